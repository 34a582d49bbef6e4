package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/plan"
)

// replan re-plans a stale unit into its artifact folder for a new review.
func (r *run) replan(ctx context.Context, sd *plan.Commit, p *artifact.Plan, graphUnit *config.Unit, log *os.File, reasons []string) error {
	m := p.Metadata
	res := r.results[m.Unit]
	r.env.Progress.Step(m.Unit, "re-plan")
	ev := sd.Evaluator("plan")
	if m.Action == artifact.ActionDestroy {
		ev = sd.Evaluator("destroy")
	}
	u, err := ev.Unit(ctx, sd.Env.Root, graphUnit.Dir)
	if err != nil {
		return fmt.Errorf("%s: re-plan: %w", m.Unit, err)
	}
	meta := artifact.Metadata{
		Unit: m.Unit, Root: m.Root, Action: m.Action, Commit: r.env.Commit, BaseCommit: m.BaseCommit, CreatedAt: r.env.Time(),
		Fingerprint: u.Fingerprint, Env: u.Env, Region: u.Region, Tier: u.Tier, AccountID: u.AccountID,
		Wave: m.Wave, DependsOn: m.DependsOn, Tools: r.env.Tools(),
	}
	if meta.Dependencies, err = plan.DependencyUses(sd.Env.Root, u, sd.Outputs); err != nil {
		return err
	}
	w, err := sd.Env.Exec.Prepare(ctx, u, log)
	if err != nil {
		return err
	}
	plan.AddDependencySecrets(w, u, sd.Outputs)
	st, err := w.InitState(ctx)
	if err != nil {
		return err
	}
	sd.Outputs.Set(graphUnit.Dir, st)
	meta.State = plan.StateRef(st)
	start := time.Now()
	sum, err := plan.Into(ctx, sd.Env, w, p.Dir, &meta)
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
