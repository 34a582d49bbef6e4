package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/apply"
	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

func newApplyCmd(app *App) *cobra.Command {
	var (
		f           tofuFlags
		plans, root string
		replan      bool
	)
	cmd := &cobra.Command{
		Use:   "apply --plans DIR [UNIT...]",
		Short: "Apply exactly the reviewed plans, in dependency order, with state locked",
		Long: `apply applies the plans olechka plan saved in DIR (all of them, or the named units):
units in dependency order (at most --parallelism at once), destroy plans afterwards in
reverse order, and last the destroys of units removed since the base commit (planned by
plan --changed from that commit's configuration, which apply writes out again under
--work-dir when it is not there). OpenTofu locks each unit's state (S3 lockfile or DynamoDB table) and
waits up to --lock-timeout for a held lock, then fails naming the holder.

Before applying a unit, apply checks that its plan still applies. It refuses, saying
why, when since the plan
  - the unit's configuration or module source changed (fingerprint),
  - its state changed (lineage or serial: something else applied),
  - a dependency's outputs changed, or the plan used mock_outputs that differ from the
    dependency's real outputs.
A refused unit and everything depending on it are not applied; the rest go on. With
--replan-stale, stale units are re-planned into DIR instead, for a new review.

The tree root is recorded in DIR/run.json (relative to the repository root); --root
overrides it. Each unit's apply log and result go next to its plan (apply.log,
apply.json).

Exit status: 0 when every unit applied (or had no changes), 1 when a unit failed,
3 when none failed but some were refused, re-planned or skipped.`,
		Example: `  olechka apply --plans .olechka/plans
  olechka apply --plans /tmp/plans --replan-stale
  olechka apply --plans /tmp/plans dev/eu-central-1/vpc`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if plans == "" {
				return errors.New("--plans DIR is required (the folder olechka plan --out wrote)")
			}
			run, err := artifact.ReadRun(plans)
			if err != nil {
				return fmt.Errorf("%s is not a plan folder: %w", plans, err)
			}
			if root == "" {
				root = run.Root
				if !filepath.IsAbs(root) {
					cwd, _ := filepath.Abs(".")
					repo := repoRoot(cwd)
					if repo == "" {
						return fmt.Errorf("the plans' tree root %q is relative to a git repository, and the current folder is in none: pass --root", run.Root)
					}
					root = filepath.Join(repo, filepath.FromSlash(run.Root))
				}
			}
			units := args
			prog := newProgress(app, len(run.Units))
			defer prog.Close()
			s, err := newSession(ctx, app, &f, root, prog)
			if err != nil {
				return err
			}
			defer s.cleanup()
			if run.Commit != "" && s.env.Commit != "" && run.Commit != s.env.Commit {
				prog.Printf("note: the plans were made at commit %s; the checkout is at %s (each unit's fingerprint is checked)\n", short(run.Commit), short(s.env.Commit))
			}
			res, err := apply.Run(ctx, s.env, apply.Options{Plans: plans, Units: units, Parallelism: f.parallelism,
				FailFast: f.failFast, ReplanStale: replan})
			if err != nil {
				return &ExitError{Code: 1, Err: err}
			}
			prog.Close()
			writeApplySummary(app.Stdout, res)
			switch {
			case res.Count(apply.StatusFailed) > 0:
				return &ExitError{Code: 1, Err: fmt.Errorf("%d unit(s) failed (logs: apply.log next to each plan in %s)", res.Count(apply.StatusFailed), plans)}
			case !res.OK():
				return &ExitError{Code: 3, Err: fmt.Errorf("%d refused, %d re-planned, %d skipped: nothing of those was applied",
					res.Count(apply.StatusRefused), res.Count(apply.StatusReplanned), res.Count(apply.StatusSkipped))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&plans, "plans", "", "plan folder written by olechka plan --out")
	cmd.Flags().StringVar(&root, "root", "", "tree root (default: the one recorded in the plans)")
	cmd.Flags().BoolVar(&replan, "replan-stale", false, "re-plan stale units into the plan folder (for a new review) instead of refusing them")
	f.register(cmd, true)
	return cmd
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func writeApplySummary(w io.Writer, res *apply.Result) {
	fmt.Fprintln(w)
	for _, u := range res.Units {
		detail := u.Reason
		if u.Status == apply.StatusFailed && u.Err != nil {
			detail = u.Err.Error()
		}
		if u.Status == apply.StatusRefused && u.Err != nil {
			detail = u.Err.Error()
		}
		lines := strings.Split(strings.TrimSpace(detail), "\n")
		fmt.Fprintf(w, "%-10s %-45s %s\n", u.Status, u.Unit, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "%-10s %-45s %s\n", "", "", l)
		}
	}
}
