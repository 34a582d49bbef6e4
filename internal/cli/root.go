// Package cli holds olechka's commands: each file parses one command's flags and calls
// the packages that do the work.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// App carries what a command may touch of the outside world.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// LookupEnv tells a variable set to "" from an unset one (os.LookupEnv), as
	// Terragrunt's get_env does; nil: a variable is set when Getenv is not "".
	LookupEnv func(string) (string, bool)
}

// ExitError ends a command with a given exit code; its message, if any, is printed.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Main runs olechka with args and returns the process exit code.
func Main(ctx context.Context, app App, args []string) int {
	if app.Getenv == nil {
		app.Getenv = func(string) string { return "" }
	}
	root := NewRootCmd(&app)
	root.SetArgs(args)
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(app.Stderr, "Error:", ee.Err)
		}
		return ee.Code
	}
	fmt.Fprintln(app.Stderr, "Error:", err)
	return 1
}

// NewRootCmd builds the command tree.
func NewRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "olechka",
		Short: "Deliver Terragrunt trees: detect, validate, plan, review, apply, notify",
		Long: `olechka delivers a Terragrunt tree with OpenTofu: it evaluates every unit itself,
detects which units a change affects, validates them (fmt, schema, lint, policy,
security, cost), plans, gates the plans for review, applies exactly the reviewed
plans wave by wave, and reports to the pull request and Slack.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCmd(app),
		newRenderCmd(app),
		newGraphCmd(app),
		newUnitsCmd(app),
		newDetectCmd(app),
		newFmtCmd(app),
		newValidateCmd(app),
		newPlanCmd(app),
		newApplyCmd(app),
		newUnlockCmd(app),
		newStateCmd(app),
		newBootstrapCmd(app),
		newReviewCmd(app),
		newCommentCmd(app),
		newNotifyCmd(app),
		newPipelineCmd(app),
		newPricesCmd(app),
	)
	return root
}
