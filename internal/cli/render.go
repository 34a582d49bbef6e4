package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

func newRenderCmd(app *App) *cobra.Command {
	var (
		asJSON bool
		all    bool
		flags  evalFlags
	)
	cmd := &cobra.Command{
		Use:   "render [--json] [--all] [PATH]",
		Short: "Print the fully evaluated configuration of a unit, or of every unit",
		Long: `render evaluates Terragrunt configuration the way Terragrunt does (includes merged,
locals, dependencies with their mock outputs, functions) and prints the result.

Without --all, PATH is a unit folder (holding terragrunt.hcl). With --all, every
unit under PATH is rendered into one JSON object keyed by the unit's path relative
to PATH. The keys mirror ` + "`terragrunt render --json`" + `; olechka's own facts (files
read, fingerprint, mocked dependency outputs) sit under the "olechka" key.

As with terragrunt render, a reference to outputs a dependency does not have (no
state, no mock_outputs) renders as "" in inputs, with a warning on stderr; plan
and apply refuse such a unit.`,
		Example: `  olechka render --json live/dev/eu-central-1/vpc
  olechka render --all --json live > rendered.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := pathArg(args)
			if err != nil {
				return err
			}
			flags.render = true
			if all {
				return renderAll(cmd.Context(), app, &flags, root, asJSON)
			}
			if _, err := os.Stat(filepath.Join(root, config.UnitFile)); err != nil {
				return fmt.Errorf("%s has no %s: pass a unit folder, or --all to render every unit under it", root, config.UnitFile)
			}
			base := repoRoot(root)
			if base == "" {
				base = filepath.Dir(root)
			}
			u, err := flags.evaluator(app, root).Unit(cmd.Context(), base, root)
			if err != nil {
				return &ExitError{Code: 1, Err: err}
			}
			reportWarnings(app, u)
			if asJSON {
				return writeJSON(app, u.Render())
			}
			return writeHCL(app.Stdout, u.Render())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the shape of terragrunt render --json)")
	cmd.Flags().BoolVar(&all, "all", false, "render every unit under PATH")
	flags.register(cmd)
	return cmd
}

// reportWarnings prints, on stderr, the errors a render tolerated as `terragrunt
// render` does (references to outputs a dependency does not have, ...).
func reportWarnings(app *App, u *config.Unit) {
	for _, d := range u.Warnings {
		fmt.Fprintf(app.Stderr, "warning: %s: rendered despite: %s\n", u.Path, config.FormatDiagnostic(d))
	}
}

func writeJSON(app *App, v any) error {
	enc := json.NewEncoder(app.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// renderAll renders every unit under root, sorted by path (HCL), or as one JSON object.
func renderAll(ctx context.Context, app *App, flags *evalFlags, root string, asJSON bool) error {
	t, err := loadTree(ctx, app, flags, root)
	if err != nil {
		return err
	}
	out := map[string]any{}
	for _, u := range t.Units {
		out[u.Path] = u.Render()
		reportWarnings(app, u)
	}
	if asJSON {
		if err := writeJSON(app, out); err != nil {
			return err
		}
	} else {
		paths := make([]string, 0, len(out))
		for p := range out {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			fmt.Fprintf(app.Stdout, "# %s\n", p)
			if err := writeHCL(app.Stdout, out[p].(map[string]any)); err != nil {
				return err
			}
			fmt.Fprintln(app.Stdout)
		}
	}
	return reportTreeErrors(app, t)
}
