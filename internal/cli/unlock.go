package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/plan"
)

const unlockLong = `unlock shows who holds the state lock of a unit and, after you confirm, releases it
with OpenTofu's force-unlock. Use it only when the holder is gone (a runner killed mid
apply): releasing a live run's lock lets two runs write the same state.

The holder is found by taking the lock for an instant with no wait; --lock-id skips
that and releases the given lock ID. --yes skips the confirmation (for scripts).`

// unlockOptions are `olechka unlock`'s flags and argument.
type unlockOptions struct {
	tofu   tofuFlags
	root   string
	yes    bool
	lockID string
	unit   string // the UNIT argument, as given (messages name it so)
	path   string // the unit's path under root (set by validate)
}

// validate fills the tree root (default: the repository holding the unit, else the
// unit's parent folder) and the unit's path under it.
func (o *unlockOptions) validate() error {
	unitDir, err := filepath.Abs(o.unit)
	if err != nil {
		return err
	}
	if o.root == "" {
		if o.root = repoRoot(unitDir); o.root == "" {
			o.root = filepath.Dir(unitDir)
		}
	}
	paths, err := unitPaths(o.root, []string{o.unit})
	if err != nil {
		return err
	}
	o.path = paths[0]
	return nil
}

func newUnlockCmd(app *App) *cobra.Command {
	var o unlockOptions
	cmd := &cobra.Command{
		Use:   "unlock [--root PATH] [--yes] UNIT",
		Short: "Release a unit's state lock left by a run that died (tofu force-unlock, after confirmation)",
		Long:  unlockLong,
		Example: `  olechka unlock live/dev/eu-central-1/vpc
  olechka unlock --root live --yes live/dev/eu-central-1/vpc`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.unit = args[0]
			if err := o.validate(); err != nil {
				return err
			}
			return runUnlock(cmd.Context(), app, &o)
		},
	}
	cmd.Flags().StringVar(&o.root, "root", "", "tree root (default: the unit's parent folder)")
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "release without asking")
	cmd.Flags().StringVar(&o.lockID, "lock-id", "", "release this lock ID instead of asking the backend who holds the lock")
	o.tofu.register(cmd, false)
	return cmd
}

// runUnlock sets up a session and releases the unit's lock through plan.Unlock, showing
// the holder and asking before it releases (unless --yes).
func runUnlock(ctx context.Context, app *App, o *unlockOptions) error {
	s, err := newSession(ctx, app, &o.tofu, o.root, nil)
	if err != nil {
		return err
	}
	defer s.cleanup()
	res, err := plan.Unlock(ctx, s.env, plan.UnlockOptions{
		Unit:   o.path,
		LockID: o.lockID,
		Found:  func(h *executor.LockInfo) { showLockHolder(app, o.unit, h) },
		Confirm: func(id string) bool {
			return o.yes || askRelease(app, id)
		},
	})
	if err != nil {
		if res != nil && res.ToolLog != "" {
			fmt.Fprint(app.Stderr, res.ToolLog)
		}
		return err
	}
	switch {
	case res.ID == "":
		fmt.Fprintf(app.Stdout, "%s: the state is not locked; nothing to do.\n", o.unit)
	case !res.Released:
		return &ExitError{Code: 1, Err: errors.New("not released")}
	default:
		fmt.Fprintf(app.Stdout, "%s: lock %s released.\n", o.unit, res.ID)
	}
	return nil
}

// showLockHolder is unlock's view of who holds a lock.
func showLockHolder(app *App, unit string, h *executor.LockInfo) {
	fmt.Fprintf(app.Stdout, "%s: state locked\n  ID:        %s\n  Who:       %s\n  Operation: %s\n  Created:   %s\n  Path:      %s\n",
		unit, h.ID, h.Who, h.Operation, h.Created, h.Path)
}

// askRelease asks on stdin whether to release lock id: only "yes" does.
func askRelease(app *App, id string) bool {
	fmt.Fprintf(app.Stdout, "Release lock %s? Only do this if its run is gone. Type 'yes' to release: ", id)
	answer, _ := bufio.NewReader(app.Stdin).ReadString('\n')
	return strings.TrimSpace(answer) == "yes"
}
