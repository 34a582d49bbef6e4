// Package pipeline is the sequencer of `olechka pipeline`: it runs the stages in order
// (detect, validate, plan, review, apply, notify) through its Stages, asks its Approver
// for manual gates, hands the reports to its Notifier and writes the run's files. What
// each stage does lives in the stage's package; the views it writes (the PR comment,
// the reports) are built in internal/notify.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// Stages runs the stages that move things. The CLI implements it with the stage
// packages, through the functions its commands call (internal/cli/stages.go); tests
// may fake it.
type Stages interface {
	// Detect returns the affected units of the tree at root.
	Detect(ctx context.Context, root string) (*detect.Result, error)
	// Validate checks the tree and writes validate's JSON report to reportFile. ok is
	// false when the stage fails (an error finding or a policy denial).
	Validate(ctx context.Context, root, reportFile string) (ok bool, err error)
	// Plan plans the units (destroy: plan their destruction) into the plan folder out.
	// Units that fail to plan are recorded in the artifacts; err is for the stage itself.
	Plan(ctx context.Context, root, out string, units, destroy []string) error
	// Apply applies the given units' reviewed plans from the plan folder, wave by wave.
	Apply(ctx context.Context, root, plans string, units []string) error
}

// Approver answers whether a manual apply job may go ahead.
type Approver interface {
	Approve(ctx context.Context, g review.ApplyGroup, ds []review.Decision) (bool, error)
}

// Notifier delivers a stage's report (Slack, or the terminal).
type Notifier interface {
	Notify(ctx context.Context, rep notify.Report) error
}

// Options configure Run.
type Options struct {
	Root      string // the tree
	Out       string // where the run's files go (detect.json, validate.json, plans/, review.json, comment.md)
	RepoRoot  string
	Run       notify.Run
	Stages    Stages
	Approver  Approver
	Notifier  Notifier
	Evaluator *config.Evaluator // reads the tree for review (approval settings, staleness)
	Policy    review.Policy
	Log       io.Writer
	// ApplyDespiteValidation applies even when validation failed (blocked units stay
	// blocked); by default a failed validation stops before apply, as on GitHub.
	ApplyDespiteValidation bool
	// PlanOnly stops after review and the comment.
	PlanOnly bool
}

// Outcome is what Run did.
type Outcome struct {
	Out          string
	Detected     *detect.Result
	ValidateOK   bool
	Findings     []finding.Finding
	Review       *review.Result
	Declined     []string // envs whose apply was not approved
	ApplyErrors  map[string]error
	Report       notify.Report
	CommentFiles []string
}

// Failed reports whether anything needs attention: validation failed, a unit failed,
// was blocked or skipped, or an apply job failed.
func (o *Outcome) Failed() bool {
	return !o.ValidateOK || o.Report.Worst().Bad() || len(o.ApplyErrors) > 0
}

// Paths of a run's files.
func (o Options) file(name string) string { return filepath.Join(o.Out, name) }

// PlansDir is the run's plan folder.
func (o Options) PlansDir() string { return o.file("plans") }

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format, args...)
	}
}

// Run runs every stage in order: detect, validate, plan, review (with the PR comment
// rendered to a file), apply (manual gates asked of the Approver), notify.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	if o.Stages == nil || o.Notifier == nil || o.Approver == nil {
		return nil, errors.New("pipeline: Stages, Approver and Notifier are required")
	}
	if err := o.clean(); err != nil {
		return nil, err
	}
	out := &Outcome{Out: o.Out, ApplyErrors: map[string]error{}}
	det, err := o.detect(ctx, out)
	if err != nil {
		return out, err
	}
	costRep, err := o.validate(ctx, out)
	if err != nil {
		return out, err
	}
	if len(det.Units) == 0 {
		o.logf("\nNothing is affected: no plan, no apply.\n")
		in := comment.Build(o.Run, det, nil, nil, out.Findings, costRep)
		out.CommentFiles, err = comment.WriteFiles(o.file("comment.md"), in, comment.Options{})
		out.Report = notify.Report{Stage: notify.StagePlan, Run: o.Run}
		return out, err
	}
	rev, plans, err := o.planAndReview(ctx, out, costRep)
	if err != nil {
		return out, err
	}

	o.logf("\n== 5/6 apply\n")
	finalPlans := artifact.ByUnit(plans)
	finalDecisions := map[string]review.Decision{}
	for _, d := range rev.Decisions {
		finalDecisions[d.Unit] = d
	}
	switch {
	case o.PlanOnly:
		o.logf("  plan only: nothing is applied\n")
	case !out.ValidateOK && !o.ApplyDespiteValidation:
		o.logf("  validation failed: nothing is applied (fix the findings, or see --apply-despite-validation)\n")
	default:
		if err := o.applyRounds(ctx, out, rev, finalPlans, finalDecisions); err != nil {
			return out, err
		}
	}
	o.notifyOutcome(ctx, out, finalPlans, finalDecisions)
	return out, nil
}

// clean removes the plan folders an earlier run left: they must not be mixed into this one.
func (o Options) clean() error {
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(o.Out, "plans-round-*"))
	for _, d := range append(old, o.PlansDir()) {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
	}
	return nil
}

// detect is stage 1: the affected units, written to detect.json.
func (o Options) detect(ctx context.Context, out *Outcome) (*detect.Result, error) {
	o.logf("\n== 1/6 detect: %s\n", o.Root)
	det, err := o.Stages.Detect(ctx, o.Root)
	if err != nil {
		return nil, fmt.Errorf("detect: %w", err)
	}
	out.Detected = det
	if err := artifact.WriteJSONFile(o.file("detect.json"), det); err != nil {
		return nil, err
	}
	for _, u := range det.Units {
		o.logf("  %-7s %s  (wave %d) %s\n", u.Action, u.Path, u.Wave, strings.Join(u.Reasons, "; "))
	}
	o.logf("  %d unit(s) affected\n", len(det.Units))
	return det, nil
}

// validate is stage 2: findings (and the cost report) from validate.json.
func (o Options) validate(ctx context.Context, out *Outcome) (*cost.Report, error) {
	o.logf("\n== 2/6 validate\n")
	ok, err := o.Stages.Validate(ctx, o.Root, o.file("validate.json"))
	if err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	out.ValidateOK = ok
	var costRep *cost.Report
	if fs, err := finding.ReadFile(o.file("validate.json")); err == nil {
		out.Findings = fs
		costRep, _ = cost.ReadReport(o.file("validate.json"))
	}
	errs, warns := 0, 0
	for _, f := range out.Findings {
		switch f.Level {
		case finding.Error:
			errs++
		case finding.Warning:
			warns++
		}
	}
	verdict := "passed"
	if !ok {
		verdict = "FAILED"
	}
	o.logf("  validation %s: %d error(s), %d warning(s)\n", verdict, errs, warns)
	return costRep, nil
}

// planAndReview are stages 3 and 4: the affected units planned, the plans reviewed,
// review.json and the comment written, and the plan notification sent.
func (o Options) planAndReview(ctx context.Context, out *Outcome, costRep *cost.Report) (*review.Result, []*artifact.Plan, error) {
	o.logf("\n== 3/6 plan\n")
	var units, destroy []string
	for _, u := range out.Detected.Units {
		if u.Action == artifact.ActionDestroy {
			destroy = append(destroy, u.Path)
		} else {
			units = append(units, u.Path)
		}
	}
	if err := o.Stages.Plan(ctx, o.Root, o.PlansDir(), units, destroy); err != nil {
		return nil, nil, fmt.Errorf("plan: %w", err)
	}

	o.logf("\n== 4/6 review\n")
	rev, plans, err := review.Run(ctx, review.Options{Plans: o.PlansDir(), Root: o.Root, RepoRoot: o.RepoRoot,
		Evaluator: o.Evaluator, Findings: out.Findings, Policy: o.Policy})
	if err != nil {
		return nil, nil, fmt.Errorf("review: %w", err)
	}
	out.Review = rev
	if err := artifact.WriteJSONFile(o.file("review.json"), rev); err != nil {
		return nil, nil, err
	}
	for _, line := range strings.Split(strings.TrimRight(rev.Text(), "\n"), "\n") {
		o.logf("  %s\n", line)
	}
	in := comment.Build(o.Run, out.Detected, plans, rev.Decisions, out.Findings, costRep)
	if out.CommentFiles, err = comment.WriteFiles(o.file("comment.md"), in, comment.Options{}); err != nil {
		return nil, nil, err
	}
	planRep := notify.PlanReport(o.Run, plans, rev.Decisions)
	if err := o.Notifier.Notify(ctx, planRep); err != nil {
		o.logf("  notification failed: %v\n", err)
	}
	return rev, plans, nil
}

// notifyOutcome is stage 6: the report of the final plans and what became of them.
func (o Options) notifyOutcome(ctx context.Context, out *Outcome, finalPlans map[string]*artifact.Plan, finalDecisions map[string]review.Decision) {
	o.logf("\n== 6/6 notify\n")
	var all []*artifact.Plan
	var decisions []review.Decision
	for _, u := range slices.Sorted(maps.Keys(finalPlans)) {
		all = append(all, finalPlans[u])
		decisions = append(decisions, finalDecisions[u])
	}
	out.Report = notify.ApplyReport(o.Run, all, decisions)
	if o.PlanOnly {
		out.Report = notify.PlanReport(o.Run, all, decisions)
	}
	for _, env := range out.Declined {
		for i, u := range out.Report.Units {
			if u.Env == env && u.Status == notify.Skipped && u.Message == "not applied" {
				out.Report.Units[i].Status, out.Report.Units[i].Message = notify.Pending, "approval declined"
			}
		}
	}
	if err := o.Notifier.Notify(ctx, out.Report); err != nil {
		o.logf("  notification failed: %v\n", err)
	}
}

// MaxRounds bounds the apply rounds of one run.
const MaxRounds = 10

// applyRounds applies the reviewed plans env by env, one approval per env: apply itself
// re-plans a unit planned with mock outputs of a dependency created in the same run, and
// applies the re-plan when it is equivalent to the reviewed plan, so a fresh environment
// is created in one round. A unit whose re-plan differs (or that was refused as stale) is
// planned again, reviewed again and applied in a further round, until a round applies
// nothing new. finalPlans and finalDecisions end up holding each unit's latest plan and
// decision.
func (o Options) applyRounds(ctx context.Context, out *Outcome, rev *review.Result, finalPlans map[string]*artifact.Plan, finalDecisions map[string]review.Decision) error {
	dir := o.PlansDir()
	for round := 1; ; round++ {
		if round > 1 {
			o.logf("  round %d: %d unit(s) planned again with their dependencies' real outputs, reviewed:\n", round, len(rev.Decisions))
			for _, line := range strings.Split(strings.TrimRight(rev.Text(), "\n"), "\n") {
				o.logf("    %s\n", line)
			}
		}
		if len(rev.Groups) == 0 {
			o.logf("  nothing to apply\n")
			return nil
		}
		declined := o.applyGroups(ctx, out, rev, dir)
		plans, err := artifact.ReadDir(dir)
		if err != nil {
			return err
		}
		var retry []string
		progress := false
		for _, p := range plans {
			finalPlans[p.Metadata.Unit] = p
			a := p.Applied
			if a == nil {
				continue
			}
			switch {
			case a.Status.Done():
				progress = true
			case a.Status.Retry() && !declined[p.Metadata.Env]:
				retry = append(retry, p.Metadata.Unit)
			}
		}
		for _, d := range rev.Decisions {
			finalDecisions[d.Unit] = d
		}
		if len(retry) == 0 {
			return nil
		}
		if !progress || round == MaxRounds {
			o.logf("  %d unit(s) still refused or skipped after round %d: %s\n", len(retry), round, strings.Join(retry, ", "))
			return nil
		}
		dir = filepath.Join(o.Out, fmt.Sprintf("plans-round-%d", round+1))
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		o.logf("\n  round %d: planning %d unit(s) again now that their dependencies are applied\n", round+1, len(retry))
		if err := o.Stages.Plan(ctx, o.Root, dir, retry, nil); err != nil {
			return fmt.Errorf("plan (round %d): %w", round+1, err)
		}
		rev, _, err = review.Run(ctx, review.Options{Plans: dir, Root: o.Root, RepoRoot: o.RepoRoot,
			Evaluator: o.Evaluator, Findings: out.Findings, Policy: o.Policy})
		if err != nil {
			return fmt.Errorf("review (round %d): %w", round+1, err)
		}
		if err := artifact.WriteJSONFile(filepath.Join(dir, "review.json"), rev); err != nil {
			return err
		}
	}
}

// applyGroups runs one apply job per group, asking for approval where needed; it
// returns the envs whose approval was declined.
func (o Options) applyGroups(ctx context.Context, out *Outcome, rev *review.Result, dir string) map[string]bool {
	declined := map[string]bool{}
	byUnit := map[string]review.Decision{}
	for _, d := range rev.Decisions {
		byUnit[d.Unit] = d
	}
	for _, g := range rev.Groups {
		var ds []review.Decision
		for _, u := range g.Units {
			ds = append(ds, byUnit[u])
		}
		o.logf("  %s: %d unit(s) in environment %s", g.Env, len(g.Units), g.Environment)
		if g.Manual {
			o.logf(" (needs approval)\n")
			yes, err := o.Approver.Approve(ctx, g, ds)
			if err != nil || !yes {
				if err != nil {
					o.logf("  %s: approval failed: %v\n", g.Env, err)
				}
				o.logf("  %s: not approved, nothing applied\n", g.Env)
				declined[g.Env] = true
				if !slices.Contains(out.Declined, g.Env) {
					out.Declined = append(out.Declined, g.Env)
				}
				continue
			}
		} else {
			o.logf("\n")
		}
		if err := o.Stages.Apply(ctx, o.Root, dir, g.Units); err != nil {
			o.logf("  %s: apply: %v\n", g.Env, err)
			out.ApplyErrors[g.Env] = err
		} else {
			delete(out.ApplyErrors, g.Env)
		}
	}
	return declined
}

// Summary is the closing text: what happened and where the files are.
func (o *Outcome) Summary() string {
	var b strings.Builder
	b.WriteString("\n== done\n")
	if o.Report.Stage != "" && len(o.Report.Units) > 0 {
		tally := o.Report.Tally()
		var parts []string
		for _, s := range []notify.Status{notify.Failed, notify.Blocked, notify.Skipped, notify.Pending, notify.Planned, notify.Applied, notify.NoChanges} {
			if tally[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", tally[s], s))
			}
		}
		fmt.Fprintf(&b, "units: %s\n", strings.Join(parts, ", "))
	}
	if !o.ValidateOK {
		b.WriteString("validation failed (see validate.json)\n")
	}
	for _, e := range slices.Sorted(maps.Keys(o.ApplyErrors)) {
		fmt.Fprintf(&b, "apply of %s failed: %v\n", e, o.ApplyErrors[e])
	}
	fmt.Fprintf(&b, "artifacts:  %s (detect.json, validate.json, plans/, review.json)\n", o.Out)
	if len(o.CommentFiles) > 0 {
		fmt.Fprintf(&b, "PR comment: %s\n", o.CommentFiles[0])
	}
	return b.String()
}
