package plan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/graph"
	"github.com/terragrunt-olechka/olechka/internal/schedule"
)

// Options says what to plan.
type Options struct {
	// Units are unit paths (relative to Env.Root) to plan; empty plans every unit.
	Units []string
	// Destroy lists unit paths to plan for destruction (plan -destroy) instead.
	Destroy []string
	// Removed lists units removed since Base (unit paths relative to the tree root as
	// it was at Base): their destruction is planned from Base's configuration, written
	// out under the work root (see Env.AtCommit); apply destroys them after everything
	// else, in reverse dependency order.
	Removed []string
	Base    string
	// Out is the plan folder the artifacts go to.
	Out         string
	Parallelism int
	FailFast    bool
	// Waves, when set, are the waves recorded in the units' metadata instead of this
	// run's own order: a packed job plans part of a larger run (detect's jobs) and
	// records that run's waves, so the artifacts of all its jobs agree.
	Waves map[string]int
}

// wave is the wave recorded for unit n: opts.Waves' when it has n, else own.
func (o *Options) wave(n string, own int) int {
	if w, ok := o.Waves[n]; ok {
		return w
	}
	return own
}

// UnitResult is one unit's outcome.
type UnitResult struct {
	Unit       string
	Status     string // artifact.StatusPlanned, StatusFailed or StatusSkipped
	HasChanges bool
	Summary    *artifact.Summary
	Err        error
	Duration   time.Duration
	// ToolTime is the part of Duration spent in OpenTofu; the rest is olechka's.
	ToolTime time.Duration
}

// Result is a plan run.
type Result struct {
	Run   *artifact.Run
	Units []UnitResult // sorted by unit path
}

// Failed counts failed and skipped units.
func (r *Result) Failed() int {
	n := 0
	for _, u := range r.Units {
		if u.Status != artifact.StatusPlanned {
			n++
		}
	}
	return n
}

// Run plans the selected units in dependency order and writes their artifacts under
// opts.Out. The error is for problems that stop the whole run (a broken tree, a cycle,
// an unknown unit); a unit's failure is in its UnitResult.
func Run(ctx context.Context, env *Env, opts Options) (*Result, error) {
	// OpenTofu runs in each unit's working directory: every path it gets is absolute.
	absOut, err := filepath.Abs(opts.Out)
	if err != nil {
		return nil, err
	}
	opts.Out = absOut
	tree, err := env.Tree(ctx)
	if err != nil {
		return nil, err
	}
	set, err := selectUnits(env, tree, opts)
	if err != nil {
		return nil, err
	}
	head, err := newSide(ctx, env, tree, graph.FromTree(tree), set)
	if err != nil {
		return nil, err
	}
	var base *side
	if len(opts.Removed) > 0 {
		if base, err = removedSide(ctx, env, opts); err != nil {
			return nil, err
		}
	}
	run, err := writeRun(env, opts.Out, head, base)
	if err != nil {
		return nil, err
	}
	b := &batch{env: env, opts: opts, run: run, results: map[string]*UnitResult{}, metas: map[string]artifact.Metadata{}}
	sres, err := schedule.Run(ctx, b.jobs(head, base), schedule.Options{
		Parallelism: opts.Parallelism,
		FailFast:    opts.FailFast,
		OnDone:      func(r schedule.Result) { b.done(r, head, base) },
	})
	if err != nil {
		return nil, err
	}
	out := &Result{Run: run}
	for _, n := range run.Units {
		res := b.results[n]
		if r := sres[n]; r != nil && res.Status == "" {
			// A job that ended before recording (interrupted before it started).
			res.Status, res.Err = artifact.StatusFailed, r.Err
		}
		out.Units = append(out.Units, *res)
	}
	return out, nil
}

// selectUnits is the set of units to plan (and plan to destroy) in the checkout.
func selectUnits(env *Env, tree *config.Tree, opts Options) (map[string]bool, error) {
	set := map[string]bool{}
	switch {
	case len(opts.Units) == 0 && len(opts.Destroy) == 0 && len(opts.Removed) == 0:
		for _, u := range tree.Units {
			if u.Config.Skip != nil && *u.Config.Skip {
				env.Progress.Printf("%s: skip = true, not planned\n", u.Path)
				continue
			}
			set[u.Path] = true
		}
	default:
		for _, p := range append(append([]string{}, opts.Units...), opts.Destroy...) {
			if tree.Unit(p) == nil {
				return nil, fmt.Errorf("%s is not a unit under %s", p, env.Root)
			}
			set[p] = true
		}
	}
	if len(set) == 0 && len(opts.Removed) == 0 {
		return nil, fmt.Errorf("no units under %s", env.Root)
	}
	return set, nil
}

// writeRun writes run.json into out: the units and waves of both sides (base may be nil).
func writeRun(env *Env, out string, head, base *side) (*artifact.Run, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	run := &artifact.Run{Commit: env.Commit, Root: env.RootRel(), CreatedAt: env.now().UTC(), Waves: head.sg.order, Tools: env.Tools()}
	for n := range head.set {
		run.Units = append(run.Units, n)
	}
	if base != nil {
		run.Base = base.Env.At()
		for n := range base.set {
			run.Units = append(run.Units, n)
		}
		// Destroys run last, dependents first.
		for i := len(base.sg.order) - 1; i >= 0; i-- {
			run.Waves = append(run.Waves, base.sg.order[i])
		}
	}
	sort.Strings(run.Units)
	if err := artifact.WriteRun(out, run); err != nil {
		return nil, err
	}
	return run, nil
}

// batch is one run's jobs and what they record.
type batch struct {
	env     *Env
	opts    Options
	run     *artifact.Run
	results map[string]*UnitResult
	metas   map[string]artifact.Metadata
}

// jobs are the plan jobs of both sides (base may be nil) and their state reads.
func (b *batch) jobs(head, base *side) []schedule.Job {
	destroy := map[string]bool{}
	for _, u := range b.opts.Destroy {
		destroy[u] = true
	}
	var jobs []schedule.Job
	for n := range head.set {
		action := artifact.ActionPlan
		if destroy[n] {
			action = artifact.ActionDestroy
		}
		jobs = append(jobs, head.planJob(b.env, n, action, b.opts.wave(n, head.sg.waves[n]), b.run, b.opts.Out, b.results, b.metas))
	}
	jobs = append(jobs, head.stateJobs(b.opts.Out)...)
	if base != nil {
		nwaves := len(base.sg.order)
		for n := range base.set {
			// Waves after the head's, in reverse order of the base graph.
			wave := len(head.sg.order) + nwaves - 1 - base.sg.waves[n]
			jobs = append(jobs, base.planJob(b.env, n, artifact.ActionDestroy, b.opts.wave(n, wave), b.run, b.opts.Out, b.results, b.metas))
		}
		jobs = append(jobs, base.stateJobs(b.opts.Out)...)
	}
	return jobs
}

// done records a skipped unit, and says which state read failed.
func (b *batch) done(r schedule.Result, head, base *side) {
	if res, ok := b.results[r.ID]; ok && r.Status == schedule.Skipped {
		recordSkip(b.env, b.opts.Out, res, r, b.metas[r.ID])
	}
	if r.Status != schedule.Failed {
		return
	}
	for _, s := range []*side{head, base} {
		if s == nil {
			continue
		}
		if p := strings.TrimPrefix(r.ID, s.prefix); strings.HasPrefix(r.ID, s.prefix) && s.external[p] != nil {
			b.env.Progress.Aside(s.Env.label(p), "state read failed: "+r.Err.Error())
		}
	}
}

// side is the units a run plans in one commit's tree: the checkout, or a base commit's
// tree for units removed since.
type side struct {
	*Commit
	set      map[string]bool
	sg       *subgraph
	external map[string]*config.Unit // dependencies outside the set: their state is read
	prefix   string                  // job ID prefix of state reads ("" for the checkout)
}

func newSide(ctx context.Context, env *Env, tree *config.Tree, full *graph.Graph, set map[string]bool) (*side, error) {
	sg, err := newSubgraph(full, set)
	if err != nil {
		return nil, err
	}
	s := &side{Commit: NewCommit(env, tree), set: set, sg: sg, external: map[string]*config.Unit{}}
	if env.At() != "" {
		s.prefix = "base:"
	}
	// Dependencies outside the set: their state is read (init + state pull), not planned.
	for n, deps := range sg.external {
		for _, d := range deps {
			if _, ok := s.external[d]; ok {
				continue
			}
			u := tree.Unit(d)
			if u == nil {
				u, err = EvalOutside(ctx, env, d)
				if err != nil {
					return nil, fmt.Errorf("%s depends on %s: %w", n, d, err)
				}
			}
			s.external[d] = u
		}
	}
	return s, nil
}

// removedSide prepares the destroys of units removed since opts.Base: the base
// commit's tree written out and evaluated.
func removedSide(ctx context.Context, env *Env, opts Options) (*side, error) {
	benv, err := env.AtCommit(ctx, opts.Base)
	if err != nil {
		return nil, fmt.Errorf("units removed since %s: %w", opts.Base, err)
	}
	commit := benv.At()
	tree, err := benv.BaseTree(ctx)
	if err != nil {
		return nil, fmt.Errorf("evaluating the tree at %s: %w", artifact.ShortID(commit), err)
	}
	set := map[string]bool{}
	for _, p := range opts.Removed {
		u := tree.Unit(p)
		if u == nil {
			msg := fmt.Sprintf("removed unit %s does not evaluate at %s (its destroy is planned from there)", p, artifact.ShortID(commit))
			if err := tree.Err(); err != nil {
				return nil, fmt.Errorf("%s:\n%w", msg, err)
			}
			return nil, errors.New(msg)
		}
		if u.Config.Skip != nil && *u.Config.Skip {
			env.Progress.Printf("%s: removed, but skip = true at %s: no destroy planned\n", p, artifact.ShortID(commit))
			continue
		}
		set[p] = true
	}
	if len(set) == 0 {
		return nil, nil
	}
	return newSide(ctx, benv, tree, graph.FromTree(tree), set)
}

// planJob is the job planning unit n of this side.
func (s *side) planJob(env *Env, n, action string, wave int, run *artifact.Run, out string, results map[string]*UnitResult, metas map[string]artifact.Metadata) schedule.Job {
	u := s.Tree.Unit(n)
	deps := append([]string{}, s.sg.g.Deps(n)...)
	dependsOn := append([]string{}, deps...)
	for _, d := range s.sg.external[n] {
		deps = append(deps, s.prefix+d)
		dependsOn = append(dependsOn, d)
	}
	sort.Strings(dependsOn)
	ev := s.Evaluator("plan")
	if action == artifact.ActionDestroy {
		ev = s.Evaluator("destroy")
	}
	res := &UnitResult{Unit: n}
	results[n] = res
	meta := artifact.Metadata{
		Unit: n, Root: run.Root, Action: action, Commit: env.Commit, BaseCommit: s.Env.At(), Wave: wave,
		DependsOn: dependsOn, Tools: env.Tools(),
	}
	metas[n] = meta
	return schedule.Job{ID: n, Deps: deps, Run: func(ctx context.Context) error {
		return planJob(ctx, s.Env, ev, s.Outputs, u, meta, out, res)
	}}
}

// stateJobs read the state of the dependencies outside the set.
func (s *side) stateJobs(out string) []schedule.Job {
	var jobs []schedule.Job
	logs := filepath.Join(out, "state-logs")
	if s.Env.At() != "" {
		logs = filepath.Join(logs, "base")
	}
	for p, u := range s.external {
		jobs = append(jobs, schedule.Job{ID: s.prefix + p, Run: func(ctx context.Context) error {
			return StateJob(ctx, s.Env, s.Outputs, u, filepath.Join(logs, filepath.FromSlash(safePath(p))+".log"))
		}})
	}
	return jobs
}

// safePath maps a unit path that may climb out of the root ("../x") into a file name.
func safePath(p string) string {
	return strings.ReplaceAll(p, "..", "__")
}

// EvalOutside evaluates a dependency that lies outside the tree root.
func EvalOutside(ctx context.Context, env *Env, rel string) (*config.Unit, error) {
	dir := filepath.Join(env.Root, filepath.FromSlash(rel))
	if _, err := os.Stat(filepath.Join(dir, config.UnitFile)); err != nil {
		return nil, fmt.Errorf("%s is not a unit (no %s)", dir, config.UnitFile)
	}
	sub := &Env{Root: env.Root, RepoRoot: env.RepoRoot, Getenv: env.Getenv, AllowRunCmd: env.AllowRunCmd}
	ev := config.NewEvaluator(config.Options{RepoRoot: sub.RepoRoot, Getenv: sub.Getenv, AllowRunCmd: sub.AllowRunCmd,
		Outputs: unknownOutputs, Command: "plan"})
	return ev.Unit(ctx, env.Root, dir)
}

// recordSkip writes the metadata of a unit skipped because a dependency failed.
func recordSkip(env *Env, out string, res *UnitResult, r schedule.Result, m artifact.Metadata) {
	res.Status = artifact.StatusSkipped
	res.Err = r.Err
	m.Status, m.SkippedBecause, m.CreatedAt = artifact.StatusSkipped, strings.TrimPrefix(r.Cause, "base:"), env.now().UTC()
	if r.Err != nil {
		m.Error = r.Err.Error()
	}
	if dir, err := artifact.NewUnitDir(out, res.Unit); err == nil {
		_ = artifact.WriteMetadata(dir, &m)
	}
	env.Progress.Done(res.Unit, "skipped", errString(r.Err))
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
