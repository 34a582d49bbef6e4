package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// evalFlags are the flags every command that evaluates a tree shares.
type evalFlags struct {
	allowRunCmd bool
	// render evaluates as `terragrunt render` does (config.Options.Render): set by
	// render and graph, never by the commands that deploy.
	render bool
}

func (f *evalFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.allowRunCmd, "allow-run-cmd", false, "let run_cmd run commands while evaluating (refused by default)")
}

// evaluator returns an evaluator for the tree at root.
func (f *evalFlags) evaluator(app *App, root string) *config.Evaluator {
	return config.NewEvaluator(config.Options{
		RepoRoot:    repoRoot(root),
		Getenv:      lookupEnv(app),
		AllowRunCmd: f.allowRunCmd,
		Render:      f.render,
	})
}

// lookupEnv answers get_env: a variable set to "" is set, as in Terragrunt (its
// environment is a map of os.Environ, and get_env's default applies only to a name
// missing from it).
func lookupEnv(app *App) func(string) (string, bool) {
	if app.LookupEnv != nil {
		return app.LookupEnv
	}
	return func(k string) (string, bool) {
		v := app.Getenv(k)
		return v, v != ""
	}
}

// repoRoot finds the git repository holding dir, or "" when there is none.
func repoRoot(dir string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		p := filepath.Dir(d)
		if p == d {
			return ""
		}
		d = p
	}
}

// pathArg returns the PATH argument, "." by default, checked to be a folder.
func pathArg(args []string) (string, error) {
	p := "."
	if len(args) > 0 {
		p = args[0]
	}
	st, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a folder", p)
	}
	return filepath.Abs(p)
}

// loadTree evaluates every unit under root, printing each unit's errors; the error it
// returns says how many units failed.
func loadTree(ctx context.Context, app *App, f *evalFlags, root string) (*config.Tree, error) {
	t, err := f.evaluator(app, root).Tree(ctx, root)
	if err != nil {
		return nil, err
	}
	if len(t.Units) == 0 && len(t.Errors) == 0 {
		return nil, fmt.Errorf("no units (folders holding %s) under %s", config.UnitFile, root)
	}
	return t, nil
}

// reportTreeErrors prints every unit error and returns an error counting them.
func reportTreeErrors(app *App, t *config.Tree) error {
	if len(t.Errors) == 0 {
		return nil
	}
	for _, e := range t.Errors {
		fmt.Fprintln(app.Stderr, indentError(e))
	}
	return &ExitError{Code: 1, Err: fmt.Errorf("%d of %d units failed to evaluate", len(t.Errors), len(t.Errors)+len(t.Units))}
}

func indentError(err error) string {
	return "error: " + strings.ReplaceAll(err.Error(), "\n", "\n  ")
}
