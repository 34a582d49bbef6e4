package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/validate/hclfmt"
)

func newFmtCmd(app *App) *cobra.Command {
	var check, diff bool
	cmd := &cobra.Command{
		Use:   "fmt [--check] [--diff] [PATH]",
		Short: "Format .hcl and .tf files canonically",
		Long: `fmt rewrites every Terragrunt (.hcl) and OpenTofu (.tf) file under PATH (default: the
current folder; PATH may also be one file) in the canonical style of hclwrite, the
formatter behind ` + "`terraform fmt`" + ` and ` + "`terragrunt hclfmt`" + `. In .tf files it also unwraps
values that are a single interpolation ("${var.x}" becomes var.x) and legacy quoted
variable types, as ` + "`terraform fmt`" + ` does. It skips .terragrunt-cache, .cache, testdata
and hidden folders, and prints the name of each file it changed.

With --check nothing is written: the files that need formatting are listed and the
exit status is 1 if there are any. --diff prints a unified diff of each change.
A file that does not parse is reported as file:line:col with the parser's message
(exit status 1); the other files are still formatted.`,
		Example: `  olechka fmt                      # format everything under the current folder
  olechka fmt --check --diff live  # CI: list and show what is not formatted, change nothing
  olechka fmt modules/vpc/main.tf`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			files, err := hclfmt.Files(root)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			var broken, unformatted int
			for _, p := range files {
				parsed, changed, err := formatOne(app, p, check, diff)
				if err != nil {
					return err
				}
				if !parsed {
					broken++
				}
				if changed {
					unformatted++
				}
			}
			switch {
			case broken > 0:
				return &ExitError{Code: 1, Err: fmt.Errorf("%d file(s) could not be parsed", broken)}
			case check && unformatted > 0:
				return &ExitError{Code: 1, Err: fmt.Errorf("%d file(s) need formatting: run `olechka fmt %s`", unformatted, root)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "change nothing; list unformatted files and exit 1 if there are any")
	cmd.Flags().BoolVar(&diff, "diff", false, "print a unified diff of each change")
	return cmd
}

// formatOne formats one file: its diagnostics on stderr; when it needs formatting, its
// name (and with diff its diff) on stdout and, unless check, the file rewritten.
// parsed is false for a file that does not parse; changed tells whether it needs
// formatting. err is an ExitError (status 2) for a file that cannot be read or written.
func formatOne(app *App, p string, check, diff bool) (parsed, changed bool, err error) {
	f, err := hclfmt.FormatFile(p)
	if err != nil {
		return false, false, &ExitError{Code: 2, Err: err}
	}
	printDiags(app, f.Diags) // warnings too: a file left unformatted because formatting would change its meaning
	if f.Diags.HasErrors() {
		return false, false, nil
	}
	if !f.Changed() {
		return true, false, nil
	}
	fmt.Fprintln(app.Stdout, filepath.ToSlash(p))
	if diff {
		fmt.Fprint(app.Stdout, hclfmt.Diff(filepath.ToSlash(p), f.Src, f.Formatted))
	}
	if !check {
		if err := writeKeepingMode(p, f.Formatted); err != nil {
			return true, true, &ExitError{Code: 2, Err: fmt.Errorf("fmt: %w", err)}
		}
	}
	return true, true, nil
}

func printDiags(app *App, diags hcl.Diagnostics) {
	for _, d := range diags {
		level := "error"
		if d.Severity != hcl.DiagError {
			level = "warning"
		}
		loc := ""
		if d.Subject != nil {
			loc = fmt.Sprintf("%s:%d:%d: ", filepath.ToSlash(d.Subject.Filename), d.Subject.Start.Line, d.Subject.Start.Column)
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		fmt.Fprintf(app.Stderr, "%s%s: %s\n", loc, level, msg)
	}
}

// writeKeepingMode replaces a file's content through a temporary file in the same
// folder, keeping its permissions.
func writeKeepingMode(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".olechka-fmt-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), st.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
