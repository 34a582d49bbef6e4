package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/plan"
)

func newUnlockCmd(app *App) *cobra.Command {
	var (
		f      tofuFlags
		root   string
		yes    bool
		lockID string
	)
	cmd := &cobra.Command{
		Use:   "unlock [--root PATH] [--yes] UNIT",
		Short: "Release a unit's state lock left by a run that died (tofu force-unlock, after confirmation)",
		Long: `unlock shows who holds the state lock of a unit and, after you confirm, releases it
with OpenTofu's force-unlock. Use it only when the holder is gone (a runner killed mid
apply): releasing a live run's lock lets two runs write the same state.

The holder is found by taking the lock for an instant with no wait; --lock-id skips
that and releases the given lock ID. --yes skips the confirmation (for scripts).`,
		Example: `  olechka unlock live/dev/eu-central-1/vpc
  olechka unlock --root live --yes live/dev/eu-central-1/vpc`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			unitDir, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			if root == "" {
				if root = repoRoot(unitDir); root == "" {
					root = filepath.Dir(unitDir)
				}
			}
			paths, err := unitPaths(root, args)
			if err != nil {
				return err
			}
			s, err := newSession(ctx, app, &f, root, nil)
			if err != nil {
				return err
			}
			defer s.cleanup()
			u, err := plan.EvalOutside(ctx, s.env, paths[0])
			if err != nil {
				return err
			}
			var log bytes.Buffer
			w, err := s.tool.PrepareForState(ctx, u, &log)
			if err != nil {
				return err
			}
			if err := w.Init(ctx); err != nil {
				fmt.Fprint(app.Stderr, log.String())
				return err
			}
			id := lockID
			if id == "" {
				holder, err := w.LockHolder(ctx)
				if err != nil {
					fmt.Fprint(app.Stderr, log.String())
					return err
				}
				if holder == nil {
					fmt.Fprintf(app.Stdout, "%s: the state is not locked; nothing to do.\n", args[0])
					return nil
				}
				fmt.Fprintf(app.Stdout, "%s: state locked\n  ID:        %s\n  Who:       %s\n  Operation: %s\n  Created:   %s\n  Path:      %s\n",
					args[0], holder.ID, holder.Who, holder.Operation, holder.Created, holder.Path)
				id = holder.ID
			}
			if id == "" {
				return errors.New("the lock holder did not report a lock ID; pass --lock-id")
			}
			if !yes {
				fmt.Fprintf(app.Stdout, "Release lock %s? Only do this if its run is gone. Type 'yes' to release: ", id)
				answer, _ := bufio.NewReader(app.Stdin).ReadString('\n')
				if strings.TrimSpace(answer) != "yes" {
					return &ExitError{Code: 1, Err: errors.New("not released")}
				}
			}
			if err := w.ForceUnlock(ctx, id); err != nil {
				fmt.Fprint(app.Stderr, log.String())
				return err
			}
			fmt.Fprintf(app.Stdout, "%s: lock %s released.\n", args[0], id)
			return nil
		},
	}
	cmd.Flags().StringVar(&root, "root", "", "tree root (default: the unit's parent folder)")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "release without asking")
	cmd.Flags().StringVar(&lockID, "lock-id", "", "release this lock ID instead of asking the backend who holds the lock")
	f.register(cmd, false)
	return cmd
}
