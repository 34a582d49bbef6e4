package cli

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/terragrunt-olechka/olechka/internal/progress"
)

// progressFlags are the output flags of plan, apply and pipeline: --verbose and
// --log-file (the per-step log).
type progressFlags struct {
	verbose bool
	logFile string
	// logTo, when set, is the per-step log (the pipeline's one file for all its
	// stages); newProgress writes to it and does not close it.
	logTo io.Writer
}

func (f *progressFlags) register(cmd *cobra.Command, defaultLog string) {
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "on a terminal, also print every step of every unit (they always go to the log file)")
	cmd.Flags().StringVar(&f.logFile, "log-file", "", "the per-step log, appended to (default: "+defaultLog+")")
}

// stderrTerminal reports whether app.Stderr is a terminal (never with CI set), and a
// function giving its width.
func stderrTerminal(app *App) (bool, func() int) {
	f, ok := app.Stderr.(*os.File)
	if !ok || app.Getenv("CI") != "" || !term.IsTerminal(int(f.Fd())) {
		return false, nil
	}
	return true, func() int {
		w, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return w
	}
}

// newProgress shows progress on stderr: on a terminal a live block (a line per running
// unit and a summary bar), the steps only with --verbose; otherwise a plain line per
// event. Every event also goes to the per-step log: f.logTo, else f.logFile, else
// defaultLog (appended to; a log that cannot be opened is warned about, not fatal).
func newProgress(app *App, f *progressFlags, total int, defaultLog string) *progress.Reporter {
	tty, width := stderrTerminal(app)
	o := progress.Options{Total: total, Terminal: tty, Width: width, Verbose: f.verbose}
	path := cmp.Or(f.logFile, defaultLog)
	switch {
	case f.logTo != nil:
		o.Log = writerOnly{f.logTo}
	case path != "":
		l, err := openLog(path)
		if err != nil {
			fmt.Fprintln(app.Stderr, "warning: no per-step log:", err)
			break
		}
		o.Log = l
		if tty && !f.verbose {
			fmt.Fprintf(app.Stderr, "steps of each unit: %s (--verbose prints them here)\n", path)
		}
	}
	return progress.NewWith(app.Stderr, o)
}

// openLog opens path for appending, creating it and its folder.
func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
}

// writerOnly hides a writer's Close, so the reporter does not close a shared log.
type writerOnly struct{ io.Writer }

// createLog creates (or empties) the pipeline's log file and its folder.
func createLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("the log file: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("the log file: %w", err)
	}
	return f, nil
}
