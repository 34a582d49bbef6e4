package cli

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/terragrunt-olechka/olechka/internal/detect"
)

// validateJobs checks `plan --jobs FILE --job N [PATH]` and fills the root.
func (o *planOptions) validateJobs() error {
	switch {
	case o.all || o.changed:
		return errors.New("--jobs cannot be used with --all or --changed")
	case o.destroy:
		return errors.New("--jobs cannot be used with --destroy: a job of removed units plans their destruction by itself")
	case o.job < 0:
		return errors.New("--jobs needs --job N (the job's id in the file)")
	case len(o.args) > 1:
		return fmt.Errorf("--jobs takes one PATH (the tree root), got %d", len(o.args))
	case len(o.args) == 1 && o.root != "":
		return errors.New("give the tree root either as PATH or as --root")
	}
	if len(o.args) == 1 {
		o.root = o.args[0]
	}
	o.root = cmp.Or(o.root, ".")
	return nil
}

// jobUnits reads the job: the units to plan, or (a job of removed units) the units
// to destroy from the file's base commit; the run-wide waves go into o.waves.
func (o *planOptions) jobUnits(app *App) (units, removed []string, base string, err error) {
	j, err := detect.ReadJob(o.jobsFile, o.job)
	if err != nil {
		return nil, nil, "", fmt.Errorf("--jobs: %w", err)
	}
	fmt.Fprintf(app.Stderr, "job %d: %s\n", j.ID, j.Name)
	o.waves = j.Wave
	if j.Action == detect.ActionDestroy {
		return nil, j.Units, j.Base, nil
	}
	return j.Units, nil, "", nil
}
