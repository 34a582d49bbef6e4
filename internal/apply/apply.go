// Package apply applies reviewed plan artifacts exactly: units in dependency order
// (destroy plans afterwards, in reverse order), each checked first against what it was
// planned with. A plan is refused, and nothing of it or its dependents applied, when the
// unit's configuration fingerprint, its state (lineage, serial) or the dependency outputs
// it used (real or mocked) changed since; --replan-stale re-plans such units for a new
// review instead. A plan made on mock outputs of dependencies this run applied is
// re-planned with the real outputs and applied when Equivalent (mockreplan.go).
package apply

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/schedule"
)

// Apply statuses: artifact.ApplyStatus's, under the names apply's callers know.
const (
	StatusApplied   = artifact.Applied
	StatusUnchanged = artifact.Unchanged
	StatusFailed    = artifact.Failed
	StatusRefused   = artifact.Refused
	StatusSkipped   = artifact.Skipped
	StatusReplanned = artifact.Replanned
)

// Options says what to apply.
type Options struct {
	Plans       string   // plan folder written by olechka plan
	Units       []string // apply only these units of it; empty: all
	Parallelism int
	FailFast    bool
	ReplanStale bool
	Review      string // review.json (olechka review --out): apply only the plans it recorded
}

// UnitResult is one unit's outcome.
type UnitResult struct {
	Unit     string
	Action   string
	Status   artifact.ApplyStatus
	Reason   string // why refused, skipped or replanned
	Err      error
	Duration time.Duration
	ToolTime time.Duration
}

// Result is an apply run.
type Result struct {
	Units []UnitResult // sorted by unit path
}

// Count returns how many units ended with status.
func (r *Result) Count(status artifact.ApplyStatus) int {
	n := 0
	for _, u := range r.Units {
		if u.Status == status {
			n++
		}
	}
	return n
}

// OK reports whether every unit applied or had nothing to apply.
func (r *Result) OK() bool {
	return r.Count(StatusApplied)+r.Count(StatusUnchanged) == len(r.Units)
}

// StaleError says why a plan no longer applies.
type StaleError struct {
	Unit    string
	Reasons []string
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s: the plan is stale, not applied:\n  - %s\nRe-plan it (olechka plan), or run apply with --replan-stale to re-plan stale units for a new review.",
		e.Unit, strings.Join(e.Reasons, "\n  - "))
}

// run holds one apply run's shared state.
type run struct {
	env     *plan.Env // the checkout
	opts    Options
	results map[string]*UnitResult
	review  reviewRecord
}

// Run applies the plans under opts.Plans.
func Run(ctx context.Context, env *plan.Env, opts Options) (*Result, error) {
	// OpenTofu runs in each unit's working directory: every path it gets is absolute.
	abs, err := filepath.Abs(opts.Plans)
	if err != nil {
		return nil, err
	}
	opts.Plans = abs
	lock, err := LockPlans(abs)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	plans, err := selectPlans(opts)
	if err != nil {
		return nil, err
	}
	tree, err := env.Tree(ctx)
	if err != nil {
		return nil, err
	}
	r := &run{env: env, opts: opts, results: map[string]*UnitResult{}}
	if err := r.phases(ctx, plan.NewCommit(env, tree), plans); err != nil {
		return nil, err
	}
	out := &Result{}
	for _, p := range plans {
		out.Units = append(out.Units, *r.results[p.Metadata.Unit])
	}
	sort.Slice(out.Units, func(i, j int) bool { return out.Units[i].Unit < out.Units[j].Unit })
	return out, nil
}

// selectPlans reads the plans under opts.Plans: those of opts.Units when set.
func selectPlans(opts Options) ([]*artifact.Plan, error) {
	plans, err := artifact.ReadDir(opts.Plans)
	if err != nil {
		return nil, err
	}
	if len(opts.Units) > 0 {
		want := map[string]bool{}
		for _, u := range opts.Units {
			want[u] = true
		}
		var kept []*artifact.Plan
		for _, p := range plans {
			if want[p.Metadata.Unit] {
				kept = append(kept, p)
				delete(want, p.Metadata.Unit)
			}
		}
		for u := range want {
			return nil, fmt.Errorf("%s has no plan in %s", u, opts.Plans)
		}
		plans = kept
	}
	if len(plans) == 0 {
		return nil, fmt.Errorf("no plans in %s", opts.Plans)
	}
	return plans, nil
}

// phases applies the plans in phases, each only once every earlier one applied: plans
// in the checkout (head), its destroys, then the destroys of removed units (per base
// commit they were planned from).
func (r *run) phases(ctx context.Context, head *plan.Commit, plans []*artifact.Plan) error {
	var creates, destroys []*artifact.Plan
	removed := map[string][]*artifact.Plan{}
	var bases []string
	for _, p := range plans {
		r.results[p.Metadata.Unit] = &UnitResult{Unit: p.Metadata.Unit, Action: p.Metadata.Action}
		switch {
		case p.Metadata.BaseCommit != "":
			if removed[p.Metadata.BaseCommit] == nil {
				bases = append(bases, p.Metadata.BaseCommit)
			}
			removed[p.Metadata.BaseCommit] = append(removed[p.Metadata.BaseCommit], p)
		case p.Metadata.Action == artifact.ActionDestroy:
			destroys = append(destroys, p)
		default:
			creates = append(creates, p)
		}
	}
	sort.Strings(bases)
	var done []*artifact.Plan
	next := func(ps []*artifact.Plan, destroy bool, s func() (*plan.Commit, error)) error {
		if len(ps) == 0 {
			return nil
		}
		blocked := 0
		for _, p := range done {
			if st := r.results[p.Metadata.Unit].Status; st != StatusApplied && st != StatusUnchanged {
				blocked++
			}
		}
		done = append(done, ps...)
		if blocked > 0 {
			for _, p := range ps {
				r.skip(p, fmt.Sprintf("not run: %d unit(s) of an earlier phase did not apply, and destroys run only after everything else applied", blocked))
			}
			return nil
		}
		sd, err := s()
		if err != nil {
			for _, p := range ps {
				r.fail(p, err)
			}
			return nil
		}
		return r.phase(ctx, sd, ps, destroy)
	}
	headSide := func() (*plan.Commit, error) { return head, nil }
	if err := next(creates, false, headSide); err != nil {
		return err
	}
	if err := next(destroys, true, headSide); err != nil {
		return err
	}
	for _, b := range bases {
		if err := next(removed[b], true, func() (*plan.Commit, error) { return r.baseSide(ctx, b) }); err != nil {
			return err
		}
	}
	return nil
}

// phase applies a set of plans: in dependency order, or reverse order for destroys.
func (r *run) phase(ctx context.Context, sd *plan.Commit, plans []*artifact.Plan, destroy bool) error {
	set := map[string]*artifact.Plan{}
	for _, p := range plans {
		set[p.Metadata.Unit] = p
	}
	deps := map[string][]string{}
	stateJobs := map[string]bool{}
	for _, p := range plans {
		u := p.Metadata.Unit
		for _, d := range p.Metadata.DependsOn {
			_, inSet := set[d]
			switch {
			case destroy && inSet:
				// Reverse order: d is destroyed after u; u needs d's outputs, read first.
				deps[d] = append(deps[d], u)
				deps[u] = append(deps[u], "state:"+d)
				stateJobs[d] = true
			case inSet:
				deps[u] = append(deps[u], d)
			default:
				deps[u] = append(deps[u], "state:"+d)
				stateJobs[d] = true
			}
		}
	}
	var jobs []schedule.Job
	for _, p := range plans {
		p := p
		jobs = append(jobs, schedule.Job{ID: p.Metadata.Unit, Deps: deps[p.Metadata.Unit], Run: func(ctx context.Context) error {
			return r.applyJob(ctx, sd, p)
		}})
	}
	for d := range stateJobs {
		d := d
		jobs = append(jobs, schedule.Job{ID: "state:" + d, Run: func(ctx context.Context) error {
			return r.stateJob(ctx, sd, d)
		}})
	}
	_, err := schedule.Run(ctx, jobs, schedule.Options{
		Parallelism: r.opts.Parallelism,
		FailFast:    r.opts.FailFast,
		OnDone: func(sr schedule.Result) {
			p, ok := set[sr.ID]
			if !ok || sr.Status != schedule.Skipped {
				return
			}
			reason := "not started: --fail-fast stopped the run"
			if sr.Cause != "" {
				reason = "dependency " + strings.TrimPrefix(sr.Cause, "state:") + " did not apply"
				if c, ok := r.results[sr.Cause]; ok && c.Status != "" {
					reason = fmt.Sprintf("dependency %s was %s", sr.Cause, c.Status)
				} else if strings.HasPrefix(sr.Cause, "state:") {
					reason = fmt.Sprintf("the state of dependency %s could not be read", strings.TrimPrefix(sr.Cause, "state:"))
				}
			}
			r.skip(p, reason)
		},
	})
	return err
}

// skip records a unit that did not run.
func (r *run) skip(p *artifact.Plan, reason string) {
	res := r.results[p.Metadata.Unit]
	res.Status, res.Reason = StatusSkipped, reason
	_ = artifact.WriteApplyResult(p.Dir, &artifact.ApplyResult{Unit: p.Metadata.Unit, Status: StatusSkipped, Reason: reason, StartedAt: r.env.Time()})
	r.env.Progress.Done(p.Metadata.Unit, string(StatusSkipped), reason)
}

// fail records a unit that could not run.
func (r *run) fail(p *artifact.Plan, err error) {
	res := r.results[p.Metadata.Unit]
	res.Status, res.Err = StatusFailed, err
	_ = artifact.WriteApplyResult(p.Dir, &artifact.ApplyResult{Unit: p.Metadata.Unit, Status: StatusFailed, Error: err.Error(), StartedAt: r.env.Time()})
	r.env.Progress.Done(p.Metadata.Unit, string(StatusFailed), err.Error())
}

// baseSide writes out the tree of the commit removed units were planned from (unless
// plan left it in the work root) and evaluates it.
func (r *run) baseSide(ctx context.Context, commit string) (*plan.Commit, error) {
	benv, err := r.env.AtCommit(ctx, commit)
	if err != nil {
		return nil, fmt.Errorf("the destroy was planned from commit %s: %w", commit, err)
	}
	tree, err := benv.BaseTree(ctx)
	if err != nil {
		return nil, fmt.Errorf("evaluating the tree at %s: %w", artifact.ShortID(commit), err)
	}
	return plan.NewCommit(benv, tree), nil
}

// stateJob reads the state of a dependency that is not applied in this phase.
func (r *run) stateJob(ctx context.Context, sd *plan.Commit, path string) error {
	u, err := sd.Unit(ctx, path)
	if err != nil {
		return err
	}
	logs := filepath.Join(r.opts.Plans, "state-logs")
	if sd.Env.At() != "" {
		logs = filepath.Join(logs, "base")
	}
	logPath := filepath.Join(logs, filepath.FromSlash(strings.ReplaceAll(path, "..", "__"))+".log")
	return plan.StateJob(ctx, sd.Env, sd.Outputs, u, logPath)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
