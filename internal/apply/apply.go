// Package apply applies reviewed plan artifacts exactly: units in dependency order
// (destroy plans afterwards, in reverse order), each checked first against what it was
// planned with. A plan is refused, and nothing of it or its dependents applied, when the
// unit's configuration fingerprint, its state (lineage, serial) or the dependency outputs
// it used (real or mocked) changed since; --replan-stale re-plans such units for a new
// review instead. A plan made on mock outputs of dependencies this run applied is
// re-planned with the real outputs and applied when Equivalent (mockreplan.go).
package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
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

// side is the tree a phase's units are evaluated in: the checkout, or the tree of the
// base commit that removed units were planned from.
type side struct {
	env       *plan.Env
	tree      *config.Tree
	outputs   *plan.Outputs
	evApply   *config.Evaluator
	evDestroy *config.Evaluator
	evPlan    *config.Evaluator
}

func newSide(env *plan.Env, tree *config.Tree) *side {
	outputs := plan.NewOutputs()
	return &side{
		env: env, tree: tree, outputs: outputs,
		evApply:   env.Evaluator("apply", outputs),
		evDestroy: env.Evaluator("destroy", outputs),
		evPlan:    env.Evaluator("plan", outputs),
	}
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
	tree, err := env.Tree(ctx)
	if err != nil {
		return nil, err
	}
	r := &run{env: env, opts: opts, results: map[string]*UnitResult{}}
	head := newSide(env, tree)
	// Phases, each only once every earlier one applied: plans, destroys, then the
	// destroys of removed units (per base commit they were planned from).
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
	next := func(ps []*artifact.Plan, destroy bool, s func() (*side, error)) error {
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
	headSide := func() (*side, error) { return head, nil }
	if err := next(creates, false, headSide); err != nil {
		return nil, err
	}
	if err := next(destroys, true, headSide); err != nil {
		return nil, err
	}
	for _, b := range bases {
		if err := next(removed[b], true, func() (*side, error) { return r.baseSide(ctx, b) }); err != nil {
			return nil, err
		}
	}
	out := &Result{}
	for _, p := range plans {
		out.Units = append(out.Units, *r.results[p.Metadata.Unit])
	}
	sort.Slice(out.Units, func(i, j int) bool { return out.Units[i].Unit < out.Units[j].Unit })
	return out, nil
}

// phase applies a set of plans: in dependency order, or reverse order for destroys.
func (r *run) phase(ctx context.Context, sd *side, plans []*artifact.Plan, destroy bool) error {
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
func (r *run) baseSide(ctx context.Context, commit string) (*side, error) {
	benv, err := r.env.AtCommit(ctx, commit)
	if err != nil {
		return nil, fmt.Errorf("the destroy was planned from commit %s: %w", commit, err)
	}
	ev := config.NewEvaluator(config.Options{RepoRoot: benv.RepoRoot, Getenv: benv.Getenv, AllowRunCmd: benv.AllowRunCmd,
		Outputs: func(string) (cty.Value, bool) { return cty.DynamicVal, true }, Command: "destroy"})
	tree, err := ev.Tree(ctx, benv.Root)
	if err != nil {
		return nil, fmt.Errorf("evaluating the tree at %s: %w", short(commit), err)
	}
	return newSide(benv, tree), nil
}

// unitFor finds a unit of the side's tree by path (or evaluates one outside the root).
func (s *side) unitFor(ctx context.Context, path string) (*config.Unit, error) {
	if u := s.tree.Unit(path); u != nil {
		return u, nil
	}
	if at := s.env.At(); at != "" {
		// A unit that does not evaluate at the base commit: say why.
		if err := s.tree.Err(); err != nil {
			return nil, fmt.Errorf("%s does not evaluate at %s:\n%w", path, short(at), err)
		}
	}
	return plan.EvalOutside(ctx, s.env, path)
}

// stateJob reads the state of a dependency that is not applied in this phase.
func (r *run) stateJob(ctx context.Context, sd *side, path string) error {
	u, err := sd.unitFor(ctx, path)
	if err != nil {
		return err
	}
	logs := filepath.Join(r.opts.Plans, "state-logs")
	if sd.env.At() != "" {
		logs = filepath.Join(logs, "base")
	}
	logPath := filepath.Join(logs, filepath.FromSlash(strings.ReplaceAll(path, "..", "__"))+".log")
	return plan.StateJob(ctx, sd.env, sd.outputs, u, logPath)
}

// applyJob checks and applies one plan.
func (r *run) applyJob(ctx context.Context, sd *side, p *artifact.Plan) (err error) {
	m := p.Metadata
	res := r.results[m.Unit]
	start := time.Now()
	ar := &artifact.ApplyResult{Unit: m.Unit, StartedAt: r.env.Time()}
	log, err := os.OpenFile(p.File(artifact.ApplyLogFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	var w *executor.Workdir
	defer func() {
		res.Duration = time.Since(start)
		if w != nil {
			res.ToolTime = w.ToolTime()
			err = w.Secrets().Err(err) // an error may quote a secret (issue 14)
		}
		var stale *StaleError
		switch {
		case err == nil:
		case res.Status == StatusReplanned:
		case refused(err, res):
		case errors.As(err, &stale):
			res.Status, res.Reason, res.Err = StatusRefused, strings.Join(stale.Reasons, "; "), err
		case res.Status == StatusSkipped:
		default:
			res.Status, res.Err = StatusFailed, err
		}
		ar.Status, ar.Reason = res.Status, res.Reason
		if res.Err != nil {
			ar.Error = res.Err.Error()
			fmt.Fprintf(log, "# olechka: %s: %v\n", res.Status, res.Err)
		}
		ar.Duration, ar.ToolDuration = artifact.Duration(res.Duration), artifact.Duration(res.ToolTime)
		if werr := artifact.WriteApplyResult(p.Dir, ar); werr != nil && err == nil {
			err = werr
		}
		detail := res.Reason
		if res.Status == StatusFailed {
			detail = errString(res.Err)
		}
		r.env.Progress.Done(m.Unit, string(res.Status), detail)
	}()

	if err := r.verify(p); err != nil {
		return err
	}
	if m.Status != artifact.StatusPlanned {
		res.Status = StatusSkipped
		res.Reason = "the plan did not succeed (" + m.Status + ")"
		if m.Error != "" {
			res.Reason += ": " + firstLine(m.Error)
		}
		return errors.New(res.Reason)
	}
	graphUnit, err := sd.unitFor(ctx, m.Unit)
	if err != nil {
		return fmt.Errorf("%s: %w", m.Unit, err)
	}
	var reasons []string
	var depsNow []artifact.DependencyUse // set when only dependency outputs changed
	var mocked []string                  // mock outputs replaced by real ones, when that is all that changed

	// 1. The configuration and the dependency outputs, as they are now.
	r.env.Progress.Step(m.Unit, "check")
	ev := sd.evApply
	if m.Action == artifact.ActionDestroy {
		ev = sd.evDestroy
	}
	u, evalErr := ev.Unit(ctx, sd.env.Root, graphUnit.Dir)
	if evalErr != nil {
		reasons = append(reasons, "the unit no longer evaluates for "+m.Action+": "+oneLine(evalErr.Error()))
	} else if u.Fingerprint != m.Fingerprint {
		now, err := plan.DependencyUses(sd.env.Root, u, sd.outputs)
		if err != nil {
			return err
		}
		depReasons := compareDependencies(m.Dependencies, now)
		if len(depReasons) > 0 {
			depsNow = now
			mocked, _ = r.mockedDeps(m.Dependencies, now)
		}
		if len(depReasons) == 0 {
			reasons = append(reasons, fmt.Sprintf("the unit's configuration or module source changed since the plan (fingerprint %s -> %s)", short(m.Fingerprint), short(u.Fingerprint)))
		}
		reasons = append(reasons, depReasons...)
	}

	// 2. The state, as it is now.
	r.env.Progress.Step(m.Unit, "init")
	forState := u
	if forState == nil {
		forState = graphUnit
	}
	if u != nil {
		if w, err = sd.env.Exec.Prepare(ctx, forState, log); err == nil {
			plan.AddDependencySecrets(w, u, sd.outputs)
		}
	} else {
		w, err = sd.env.Exec.PrepareForState(ctx, forState, log)
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(p.File(artifact.LockFile)); err == nil {
		if err := w.RestoreLockFile(p.File(artifact.LockFile)); err != nil {
			return err
		}
	}
	st, err := w.InitState(ctx)
	if err != nil {
		return err
	}
	// A plan this folder already applied: the state is what that apply left.
	if a := p.Applied; a != nil && (a.Status == StatusApplied || a.Status == StatusUnchanged) && a.StateAfter.Exists && plan.StateRef(st) == a.StateAfter {
		sd.outputs.Set(graphUnit.Dir, st)
		res.Status, res.Reason = StatusUnchanged, "already applied by an earlier olechka apply of this plan"
		ar.StateAfter = a.StateAfter
		return nil
	}
	if now := plan.StateRef(st); now != m.State {
		reasons = append(reasons, fmt.Sprintf("the unit's state changed since the plan (%s -> %s): something was applied in between", m.State, now))
		mocked = nil
	}
	if len(mocked) > 0 && u != nil && m.Action != artifact.ActionDestroy {
		return r.applyAfterMocks(ctx, sd, p, u, w, st, depsNow, mocked, log, ar)
	}

	if len(reasons) > 0 {
		fmt.Fprintf(log, "# olechka: the plan is stale:\n#   - %s\n", strings.Join(reasons, "\n#   - "))
		if r.opts.ReplanStale {
			return r.replan(ctx, sd, p, graphUnit, log, reasons)
		}
		sd.outputs.Set(graphUnit.Dir, st)
		return &StaleError{Unit: m.Unit, Reasons: reasons}
	}
	if !m.HasChanges {
		sd.outputs.Set(graphUnit.Dir, st)
		res.Status = StatusUnchanged
		ar.StateAfter = plan.StateRef(st)
		return nil
	}

	// 3. Apply exactly the saved plan.
	step := "apply"
	if m.Action == artifact.ActionDestroy {
		step = "destroy"
	}
	r.env.Progress.Step(m.Unit, step)
	planFile, err := openPlan(r.env, p.Dir, w.Root)
	if err != nil {
		return fmt.Errorf("%s: %w", m.Unit, err)
	}
	if err := w.Apply(ctx, planFile, m.Action == artifact.ActionDestroy); err != nil {
		var le *executor.LockError
		if errors.As(err, &le) {
			return fmt.Errorf("%s: %w; waited %s (--lock-timeout). If that run is gone, release the lock with: %s",
				m.Unit, le, r.env.Exec.LockTimeout(), r.env.Exec.UnlockCommand(graphUnit.Dir))
		}
		return err
	}
	after, err := w.StatePull(ctx)
	if err != nil {
		return err
	}
	sd.outputs.Set(graphUnit.Dir, after)
	ar.StateAfter = plan.StateRef(after)
	res.Status = StatusApplied
	return nil
}

// replan re-plans a stale unit into its artifact folder for a new review.
func (r *run) replan(ctx context.Context, sd *side, p *artifact.Plan, graphUnit *config.Unit, log *os.File, reasons []string) error {
	m := p.Metadata
	res := r.results[m.Unit]
	r.env.Progress.Step(m.Unit, "re-plan")
	ev := sd.evPlan
	if m.Action == artifact.ActionDestroy {
		ev = sd.evDestroy
	}
	u, err := ev.Unit(ctx, sd.env.Root, graphUnit.Dir)
	if err != nil {
		return fmt.Errorf("%s: re-plan: %w", m.Unit, err)
	}
	meta := artifact.Metadata{
		Unit: m.Unit, Root: m.Root, Action: m.Action, Commit: r.env.Commit, BaseCommit: m.BaseCommit, CreatedAt: r.env.Time(),
		Fingerprint: u.Fingerprint, Env: u.Env, Region: u.Region, Tier: u.Tier, AccountID: u.AccountID,
		Wave: m.Wave, DependsOn: m.DependsOn, Tools: r.env.Tools(),
	}
	if meta.Dependencies, err = plan.DependencyUses(sd.env.Root, u, sd.outputs); err != nil {
		return err
	}
	w, err := sd.env.Exec.Prepare(ctx, u, log)
	if err != nil {
		return err
	}
	plan.AddDependencySecrets(w, u, sd.outputs)
	st, err := w.InitState(ctx)
	if err != nil {
		return err
	}
	sd.outputs.Set(graphUnit.Dir, st)
	meta.State = plan.StateRef(st)
	start := time.Now()
	sum, err := plan.Into(ctx, sd.env, w, p.Dir, &meta)
	if err != nil {
		return fmt.Errorf("%s: re-plan: %w", m.Unit, err)
	}
	meta.Duration = artifact.Duration(time.Since(start))
	_ = artifact.WriteMetadata(p.Dir, &meta)
	if !sum.HasChanges {
		// Nothing to review: the unit already matches its configuration.
		res.Status = StatusUnchanged
		res.Reason = "stale (" + strings.Join(reasons, "; ") + "); re-planned: no changes"
		return nil
	}
	res.Status = StatusReplanned
	res.Reason = "stale (" + strings.Join(reasons, "; ") + "); re-planned for review: " + sum.Line()
	return errors.New(res.Reason)
}

// compareDependencies explains how the dependency outputs differ from the plan's.
func compareDependencies(was, now []artifact.DependencyUse) []string {
	nowBy := map[string]artifact.DependencyUse{}
	for _, d := range now {
		nowBy[d.Name] = d
	}
	var out, added []string
	for _, d := range was {
		n, ok := nowBy[d.Name]
		if !ok {
			out = append(out, fmt.Sprintf("dependency %q is gone from the configuration", d.Name))
			continue
		}
		delete(nowBy, d.Name)
		names := map[string]bool{}
		for k := range d.Outputs {
			names[k] = true
		}
		for k := range n.Outputs {
			names[k] = true
		}
		keys := make([]string, 0, len(names))
		for k := range names {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			a, inA := d.Outputs[k]
			b, inB := n.Outputs[k]
			switch {
			case inA && inB && a.Hash == b.Hash:
			case !inA:
				added = append(added, fmt.Sprintf("dependency %s (%s) has a new output %s", d.Name, d.Unit, k))
			case !inB:
				out = append(out, fmt.Sprintf("dependency %s (%s) no longer has output %s", d.Name, d.Unit, k))
			case a.Mocked:
				out = append(out, fmt.Sprintf("dependency %s (%s): the plan used the mock value %s for output %s; the real value is now %s",
					d.Name, d.Unit, show(a), k, show(b)))
			default:
				out = append(out, fmt.Sprintf("dependency %s (%s): output %s changed since the plan (%s -> %s)", d.Name, d.Unit, k, show(a), show(b)))
			}
		}
	}
	for name, n := range nowBy {
		out = append(out, fmt.Sprintf("dependency %q (%s) is new in the configuration", name, n.Unit))
	}
	// Outputs the plan did not see matter only when nothing else explains the change.
	if len(out) == 0 {
		out = added
	}
	return out
}

// show prints an output value for a message; sensitive ones are never shown.
func show(o artifact.OutputUse) string {
	if o.Sensitive || o.Value == nil {
		return "(sensitive value)"
	}
	var b bytes.Buffer
	s := string(o.Value)
	if json.Compact(&b, o.Value) == nil {
		s = b.String()
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}
	return fp
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
