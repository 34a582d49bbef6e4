package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
)

// StateJob reads a unit's state so its dependents get its outputs.
func StateJob(ctx context.Context, env *Env, outputs *Outputs, u *config.Unit, logPath string) error {
	log, err := openLog(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	env.Progress.Step(env.label(u.Path), "read state")
	w, err := env.Exec.PrepareForState(ctx, u, log)
	if err != nil {
		return err
	}
	st, err := w.InitState(ctx)
	if err != nil {
		return err
	}
	outputs.Set(u.Dir, st)
	env.Progress.Aside(env.label(u.Path), "state read")
	return nil
}

// planJob evaluates, prepares and plans one unit, writing its artifacts.
func planJob(ctx context.Context, env *Env, ev *config.Evaluator, outputs *Outputs, graphUnit *config.Unit, meta artifact.Metadata, out string, res *UnitResult) (err error) {
	start := time.Now()
	meta.CreatedAt = env.now().UTC()
	dir, err := artifact.NewUnitDir(out, meta.Unit)
	if err != nil {
		return err
	}
	log, err := openLog(filepath.Join(dir, artifact.PlanLogFile))
	if err != nil {
		return err
	}
	defer log.Close()
	rec := &planRecord{env: env, log: log, dir: dir, meta: &meta, res: res, start: start, ph: &phases{last: start}}
	defer func() { err = rec.finish(err) }()

	u, err := evalForPlan(ctx, env, ev, outputs, graphUnit, &meta, log)
	if err != nil {
		return err
	}
	rec.ph.mark("evaluate", rec.w)
	env.Progress.Step(meta.Unit, "prepare")
	if rec.w, err = env.Exec.Prepare(ctx, u, log); err != nil {
		return err
	}
	w := rec.w
	AddDependencySecrets(w, u, outputs)
	rec.ph.mark("prepare", w)
	env.Progress.Step(meta.Unit, "init")
	if err := w.Init(ctx); err != nil {
		return err
	}
	env.Progress.Step(meta.Unit, "read state")
	st, err := w.StatePull(ctx)
	if err != nil {
		return err
	}
	outputs.Set(u.Dir, st)
	meta.State = StateRef(st)
	summary, err := Into(ctx, env, w, dir, &meta)
	if err != nil {
		return err
	}
	res.HasChanges, res.Summary = summary.HasChanges, summary
	return nil
}

// evalForPlan is planJob's first step: the unit evaluated with its dependencies'
// outputs, its facts and the dependency outputs it uses recorded in meta.
func evalForPlan(ctx context.Context, env *Env, ev *config.Evaluator, outputs *Outputs, graphUnit *config.Unit, meta *artifact.Metadata, log io.Writer) (*config.Unit, error) {
	env.Progress.Step(meta.Unit, "evaluate")
	u, err := ev.Unit(ctx, env.Root, graphUnit.Dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", meta.Unit, err)
	}
	if meta.Action == artifact.ActionDestroy && u.Config.PreventDestroy != nil && *u.Config.PreventDestroy {
		return nil, fmt.Errorf("%s: prevent_destroy = true: refusing to plan its destruction", meta.Unit)
	}
	meta.Fingerprint, meta.Env, meta.Region, meta.Tier, meta.AccountID = u.Fingerprint, u.Env, u.Region, u.Tier, u.AccountID
	if meta.Dependencies, err = DependencyUses(env.Root, u, outputs); err != nil {
		return nil, fmt.Errorf("%s: %w", meta.Unit, err)
	}
	if mocks := meta.Mocks(); len(mocks) > 0 {
		logf(log, "planned with mock_outputs of: %s", strings.Join(mocks, ", "))
	}
	return u, nil
}

// planRecord is what planJob records however it ends: times, status, metadata and
// the progress line.
type planRecord struct {
	env   *Env
	log   io.Writer
	dir   string
	meta  *artifact.Metadata
	res   *UnitResult
	start time.Time
	ph    *phases
	w     Workdir // nil until the working directory is prepared
}

// finish records the job's outcome, err (nil: planned), and returns err with any
// secret it quotes masked, joined with a failure to write the metadata.
func (r *planRecord) finish(err error) error {
	meta, res, w := r.meta, r.res, r.w
	r.ph.mark("artifacts", w)
	logf(r.log, "olechka's own time: %s (OpenTofu: %s)", r.ph, toolTime(w).Round(time.Millisecond))
	res.Duration = time.Since(r.start)
	meta.Duration = artifact.Duration(res.Duration)
	if w != nil {
		res.ToolTime = w.ToolTime()
		meta.ToolDuration = artifact.Duration(res.ToolTime)
	}
	if err != nil && w != nil {
		err = w.Secrets().Err(err) // an error may quote a secret (issue 14)
	}
	if err != nil {
		res.Status, res.Err = artifact.StatusFailed, err
		meta.Status, meta.Error = artifact.StatusFailed, err.Error()
		logf(r.log, "failed: %v", err)
	}
	if werr := artifact.WriteMetadata(r.dir, meta); werr != nil {
		err = errors.Join(err, werr)
	}
	if err != nil {
		r.env.Progress.Done(meta.Unit, "failed", err.Error())
		return err
	}
	res.Status = artifact.StatusPlanned
	r.env.Progress.Done(meta.Unit, "planned", res.Summary.Line())
	return nil
}

// Into plans in an initialized working directory and writes the unit's artifacts into
// dir: the binary plan, masked JSON, readable text, lock file, summary and metadata
// (meta must carry everything but the plan's own facts). Apply uses it to re-plan.
func Into(ctx context.Context, env *Env, w Workdir, dir string, meta *artifact.Metadata) (_ *artifact.Summary, err error) {
	env.Progress.Step(meta.Unit, "plan")
	planFile := filepath.Join(dir, artifact.PlanFile)
	defer artifact.DiscardPlanOnError(dir, &err)
	changes, text, err := w.Plan(ctx, planFile, meta.Action == artifact.ActionDestroy)
	if err != nil {
		return nil, err
	}
	env.Progress.Step(meta.Unit, "show")
	js, err := w.ShowJSON(ctx, planFile)
	if err != nil {
		return nil, err
	}
	// Nothing stored holds a secret: the plan's own sensitive values and the
	// dependencies' (AddDependencySecrets) are masked in the JSON, the text and the summary.
	w.AddSecrets(artifact.SensitiveValues(js)...)
	text = w.Redact(text)
	masked, err := artifact.MaskPlanJSON(js)
	if err == nil {
		masked, err = w.Secrets().JSON(masked)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", meta.Unit, err)
	}
	p, err := artifact.ParsePlanJSON(masked)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", meta.Unit, err)
	}
	if err := artifact.WriteFile(filepath.Join(dir, artifact.PlanJSONFile), append(masked, '\n')); err != nil {
		return nil, err
	}
	if err := artifact.WriteFile(filepath.Join(dir, artifact.PlanTextFile), text); err != nil {
		return nil, err
	}
	if b, err := os.ReadFile(w.LockFilePath()); err == nil {
		if err := artifact.WriteFile(filepath.Join(dir, artifact.LockFile), b); err != nil {
			return nil, err
		}
	}
	if pv, err := w.ProviderVersions(); err == nil {
		meta.Tools.Providers = pv
	}
	meta.Simulated = w.SimulatedProviders()
	if err := sealPlan(env, dir); err != nil {
		return nil, fmt.Errorf("%s: %w", meta.Unit, err)
	}
	s := artifact.Summarize(meta.Unit, meta.Action, p)
	s.Simulated = meta.Simulated
	// -detailed-exitcode also counts output-only changes; keep both views consistent.
	meta.HasChanges = changes || s.HasChanges
	s.HasChanges = meta.HasChanges
	meta.Status = artifact.StatusPlanned
	if err := artifact.WriteSummary(dir, s); err != nil {
		return nil, err
	}
	if err := artifact.WriteMetadata(dir, meta); err != nil {
		return nil, err
	}
	return s, nil
}

// phases splits a job's own time (wall time minus the tool's) into named parts, for the
// unit's log.
type phases struct {
	last     time.Time
	lastTool time.Duration
	parts    []string
}

func toolTime(w Workdir) time.Duration {
	if w == nil {
		return 0
	}
	return w.ToolTime()
}

func (p *phases) mark(name string, w Workdir) {
	now, tool := time.Now(), toolTime(w)
	own := now.Sub(p.last) - (tool - p.lastTool)
	p.parts = append(p.parts, fmt.Sprintf("%s %.1fms", name, float64(own.Microseconds())/1000))
	p.last, p.lastTool = now, tool
}

func (p *phases) String() string { return strings.Join(p.parts, ", ") }
