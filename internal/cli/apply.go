package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/apply"
	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

// applyOptions are `olechka apply`'s flags and arguments.
type applyOptions struct {
	tofu        tofuFlags
	plans, root string
	review      string
	replan      bool
	units       []string
}

// validate checks the flags and reads the plan folder's run record, filling root from it.
func (o *applyOptions) validate() (*artifact.Run, error) {
	if o.plans == "" {
		return nil, errors.New("--plans DIR is required (the folder olechka plan --out wrote)")
	}
	run, err := artifact.ReadRun(o.plans)
	if err != nil {
		return nil, fmt.Errorf("%s is not a plan folder: %w", o.plans, err)
	}
	if o.root == "" {
		o.root = run.Root
		if !filepath.IsAbs(o.root) {
			cwd, _ := filepath.Abs(".")
			repo := repoRoot(cwd)
			if repo == "" {
				return nil, fmt.Errorf("the plans' tree root %q is relative to a git repository, and the current folder is in none: pass --root", run.Root)
			}
			o.root = filepath.Join(repo, filepath.FromSlash(run.Root))
		}
	}
	return run, nil
}

func newApplyCmd(app *App) *cobra.Command {
	var o applyOptions
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
Before anything runs for a unit, apply checks that its plan is the one planned for it
(the folder it sits at names its unit; the files have the SHA-256 digests recorded at
plan time) and, with --review, the one review recorded in review.json (same digests,
same action and planned state, not blocked); it refuses a mismatch, naming what differs.
Only one apply runs on a plan folder at a time: a second exits at once.
A refused unit and everything depending on it are not applied; the rest go on. With
--replan-stale, stale units are re-planned into DIR instead, for a new review.

One case is not refused: a plan made on mock_outputs of dependencies this same apply
has just applied. Such a unit is re-planned with the real outputs (into
DIR/replans/units/UNIT: the new plan, verdict.json, diff.txt) and the re-plan is applied
without another review when it is equivalent to the reviewed plan: the same resources
with the same actions, and every value that differs was unknown or came from a mock.
A new or missing resource, another action (a destroy or replace), a changed known value
or another count/for_each stops the unit and its dependents for a new review (status
re-planned), with the differences listed.

The tree root is recorded in DIR/run.json (relative to the repository root); --root
overrides it. Each unit's apply log and result go next to its plan (apply.log,
apply.json).

Exit status: 0 when every unit applied (or had no changes), 1 when a unit failed,
3 when none failed but some were refused, re-planned or skipped.`,
		Example: `  olechka apply --plans .olechka/plans
  olechka apply --plans /tmp/plans --replan-stale
  olechka apply --plans /tmp/plans dev/eu-central-1/vpc`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.units = args
			run, err := o.validate()
			if err != nil {
				return err
			}
			res, err := runApply(cmd.Context(), app, &o, run)
			if err != nil {
				return err
			}
			writeApplySummary(app.Stdout, res)
			return applyExit(res, o.plans)
		},
	}
	cmd.Flags().StringVar(&o.plans, "plans", "", "plan folder written by olechka plan --out")
	cmd.Flags().StringVar(&o.root, "root", "", "tree root (default: the one recorded in the plans)")
	cmd.Flags().StringVar(&o.review, "review", "", "review.json (olechka review --out): refuse any plan whose digests, unit or planned state differ from what review recorded, or that review blocked")
	cmd.Flags().BoolVar(&o.replan, "replan-stale", false, "re-plan stale units into the plan folder (for a new review) instead of refusing them")
	o.tofu.register(cmd, true)
	return cmd
}

// runApply applies the reviewed plans of o.plans (run is its run record).
func runApply(ctx context.Context, app *App, o *applyOptions, run *artifact.Run) (*apply.Result, error) {
	total := len(run.Units)
	if len(o.units) > 0 {
		total = len(o.units)
	}
	prog := newProgress(app, &o.tofu.output, total, filepath.Join(o.plans, "progress.log"))
	defer prog.Close()
	s, err := newSession(ctx, app, &o.tofu, o.root, prog)
	if err != nil {
		return nil, err
	}
	defer s.cleanup()
	if run.Commit != "" && s.env.Commit != "" && run.Commit != s.env.Commit {
		prog.Printf("note: the plans were made at commit %s; the checkout is at %s (each unit's fingerprint is checked)\n", artifact.ShortID(run.Commit), artifact.ShortID(s.env.Commit))
	}
	res, err := apply.Run(ctx, s.env, apply.Options{Plans: o.plans, Units: o.units, Parallelism: o.tofu.parallelism,
		FailFast: o.tofu.failFast, ReplanStale: o.replan, Review: o.review})
	if err != nil {
		return nil, &ExitError{Code: 1, Err: err}
	}
	return res, nil
}

// applyExit is apply's exit status: 1 when a unit failed, 3 when none failed but some
// were refused, re-planned or skipped.
func applyExit(res *apply.Result, plans string) error {
	switch {
	case res.Count(apply.StatusFailed) > 0:
		return &ExitError{Code: 1, Err: fmt.Errorf("%d unit(s) failed (logs: apply.log next to each plan in %s)", res.Count(apply.StatusFailed), plans)}
	case !res.OK():
		return &ExitError{Code: 3, Err: fmt.Errorf("%d refused, %d re-planned, %d skipped: nothing of those was applied",
			res.Count(apply.StatusRefused), res.Count(apply.StatusReplanned), res.Count(apply.StatusSkipped))}
	}
	return nil
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
