package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/plan"
)

// job is one plan being checked and applied.
type job struct {
	p         *artifact.Plan
	m         artifact.Metadata
	res       *UnitResult
	ar        *artifact.ApplyResult
	log       *os.File
	graphUnit *config.Unit // the unit as the tree's evaluation found it
	w         plan.Workdir // nil until prepared
}

// applyJob checks and applies one plan: 1. its configuration and dependency outputs
// now, 2. its state now, 3. the saved plan applied exactly (or a re-plan, see check).
func (r *run) applyJob(ctx context.Context, sd *plan.Commit, p *artifact.Plan) (err error) {
	j := &job{p: p, m: p.Metadata, res: r.results[p.Metadata.Unit]}
	start := time.Now()
	j.ar = &artifact.ApplyResult{Unit: j.m.Unit, StartedAt: r.env.Time()}
	if j.log, err = os.OpenFile(p.File(artifact.ApplyLogFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644); err != nil {
		return err
	}
	defer j.log.Close()
	defer func() { err = r.finish(j, start, err) }()

	if err := r.verify(p); err != nil {
		return err
	}
	if j.m.Status != artifact.StatusPlanned {
		j.res.Status = StatusSkipped
		j.res.Reason = "the plan did not succeed (" + j.m.Status + ")"
		if j.m.Error != "" {
			j.res.Reason += ": " + artifact.FirstLine(j.m.Error)
		}
		return errors.New(j.res.Reason)
	}
	if j.graphUnit, err = sd.Unit(ctx, j.m.Unit); err != nil {
		return fmt.Errorf("%s: %w", j.m.Unit, err)
	}
	c, err := r.checkConfig(ctx, sd, j)
	if err != nil {
		return err
	}
	st, err := r.prepare(ctx, sd, j, c.unit)
	if err != nil {
		return err
	}
	return r.decide(ctx, sd, j, c, st)
}

// finish records the job's outcome: the unit's result, apply.json, the log and progress.
func (r *run) finish(j *job, start time.Time, err error) error {
	res, ar := j.res, j.ar
	res.Duration = time.Since(start)
	if j.w != nil {
		res.ToolTime = j.w.ToolTime()
		err = j.w.Secrets().Err(err) // an error may quote a secret (issue 14)
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
		fmt.Fprintf(j.log, "# olechka: %s: %v\n", res.Status, res.Err)
	}
	ar.Duration, ar.ToolDuration = artifact.Duration(res.Duration), artifact.Duration(res.ToolTime)
	if werr := artifact.WriteApplyResult(j.p.Dir, ar); werr != nil && err == nil {
		err = werr
	}
	detail := res.Reason
	if res.Status == StatusFailed {
		detail = errString(res.Err)
	}
	r.env.Progress.Done(j.m.Unit, string(res.Status), detail)
	return err
}

// configCheck is what step 1 found: the unit evaluated now (nil when it no longer
// evaluates) and why the plan is stale.
type configCheck struct {
	unit    *config.Unit
	reasons []string
	depsNow []artifact.DependencyUse // set when only dependency outputs changed
	mocked  []string                 // mock outputs replaced by real ones, when that is all that changed
}

// checkConfig is step 1: the configuration and the dependency outputs, as they are now.
func (r *run) checkConfig(ctx context.Context, sd *plan.Commit, j *job) (*configCheck, error) {
	m := j.m
	r.env.Progress.Step(m.Unit, "check")
	ev := sd.Evaluator("apply")
	if m.Action == artifact.ActionDestroy {
		ev = sd.Evaluator("destroy")
	}
	c := &configCheck{}
	u, evalErr := ev.Unit(ctx, sd.Env.Root, j.graphUnit.Dir)
	if evalErr != nil {
		c.reasons = append(c.reasons, "the unit no longer evaluates for "+m.Action+": "+oneLine(evalErr.Error()))
		return c, nil
	}
	c.unit = u
	if u.Fingerprint == m.Fingerprint {
		return c, nil
	}
	now, err := plan.DependencyUses(sd.Env.Root, u, sd.Outputs)
	if err != nil {
		return nil, err
	}
	depReasons := compareDependencies(m.Dependencies, now)
	if len(depReasons) > 0 {
		c.depsNow = now
		c.mocked, _ = r.mockedDeps(m.Dependencies, now)
	} else {
		c.reasons = append(c.reasons, fmt.Sprintf("the unit's configuration or module source changed since the plan (fingerprint %s -> %s)", artifact.ShortID(m.Fingerprint), artifact.ShortID(u.Fingerprint)))
	}
	c.reasons = append(c.reasons, depReasons...)
	return c, nil
}

// prepare is step 2: the working directory, with the plan's lock file, initialized, and
// the state as it is now.
func (r *run) prepare(ctx context.Context, sd *plan.Commit, j *job, u *config.Unit) (*executor.State, error) {
	r.env.Progress.Step(j.m.Unit, "init")
	var err error
	if u != nil {
		if j.w, err = sd.Env.Exec.Prepare(ctx, u, j.log); err == nil {
			plan.AddDependencySecrets(j.w, u, sd.Outputs)
		}
	} else {
		j.w, err = sd.Env.Exec.PrepareForState(ctx, j.graphUnit, j.log)
	}
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(j.p.File(artifact.LockFile)); err == nil {
		if err := j.w.RestoreLockFile(j.p.File(artifact.LockFile)); err != nil {
			return nil, err
		}
	}
	return j.w.InitState(ctx)
}

// decide applies the plan, re-plans it, or stops it, given the configuration check and
// the state now.
func (r *run) decide(ctx context.Context, sd *plan.Commit, j *job, c *configCheck, st *executor.State) error {
	m, res := j.m, j.res
	// A plan this folder already applied: the state is what that apply left.
	if a := j.p.Applied; a != nil && (a.Status == StatusApplied || a.Status == StatusUnchanged) && a.StateAfter.Exists && plan.StateRef(st) == a.StateAfter {
		sd.Outputs.Set(j.graphUnit.Dir, st)
		res.Status, res.Reason = StatusUnchanged, "already applied by an earlier olechka apply of this plan"
		j.ar.StateAfter = a.StateAfter
		return nil
	}
	reasons, mocked := c.reasons, c.mocked
	if now := plan.StateRef(st); now != m.State {
		reasons = append(reasons, fmt.Sprintf("the unit's state changed since the plan (%s -> %s): something was applied in between", m.State, now))
		mocked = nil
	}
	if len(mocked) > 0 && c.unit != nil && m.Action != artifact.ActionDestroy {
		return r.applyAfterMocks(ctx, sd, j.p, c.unit, j.w, st, c.depsNow, mocked, j.log, j.ar)
	}
	if len(reasons) > 0 {
		fmt.Fprintf(j.log, "# olechka: the plan is stale:\n#   - %s\n", strings.Join(reasons, "\n#   - "))
		if r.opts.ReplanStale {
			return r.replan(ctx, sd, j.p, j.graphUnit, j.log, reasons)
		}
		sd.Outputs.Set(j.graphUnit.Dir, st)
		return &StaleError{Unit: m.Unit, Reasons: reasons}
	}
	if !m.HasChanges {
		sd.Outputs.Set(j.graphUnit.Dir, st)
		res.Status = StatusUnchanged
		j.ar.StateAfter = plan.StateRef(st)
		return nil
	}
	return r.applySaved(ctx, sd, j)
}

// applySaved is step 3: exactly the saved plan applied, and the state it leaves read.
func (r *run) applySaved(ctx context.Context, sd *plan.Commit, j *job) error {
	m := j.m
	step := "apply"
	if m.Action == artifact.ActionDestroy {
		step = "destroy"
	}
	r.env.Progress.Step(m.Unit, step)
	planFile, err := openPlan(r.env, j.p.Dir, j.w.Area())
	if err != nil {
		return fmt.Errorf("%s: %w", m.Unit, err)
	}
	if err := j.w.Apply(ctx, planFile, m.Action == artifact.ActionDestroy); err != nil {
		var le *executor.LockError
		if errors.As(err, &le) {
			return fmt.Errorf("%s: %w; waited %s (--lock-timeout). If that run is gone, release the lock with: %s",
				m.Unit, le, r.env.Exec.LockTimeout(), executor.UnlockCommand(r.env.UserDir, j.graphUnit.Dir))
		}
		return err
	}
	after, err := j.w.StatePull(ctx)
	if err != nil {
		return err
	}
	sd.Outputs.Set(j.graphUnit.Dir, after)
	j.ar.StateAfter = plan.StateRef(after)
	j.res.Status = StatusApplied
	return nil
}
