package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/plan"
)

// Files of a re-plan made with real dependency outputs, under <plans>/ReplansDir: the
// new plan's artifacts (same names as a plan's), the verdict and a readable diff.
const (
	ReplansDir  = "replans"
	VerdictFile = "verdict.json"
	DiffFile    = "diff.txt"
)

// VerdictRecord is what apply writes to VerdictFile.
type VerdictRecord struct {
	Unit     string   `json:"unit"`
	Reviewed string   `json:"reviewed_plan"` // folder of the reviewed plan
	Replan   string   `json:"replan"`        // folder of the re-plan
	Mocks    []string `json:"mocks"`         // the mocked outputs replaced by real ones
	Applied  bool     `json:"applied"`
	Verdict
}

// mockedDeps reports whether the only thing that changed since the plan is that mock
// outputs it used now have real values, each from a dependency this run applied. It
// returns the replaced outputs ("name.output") when so.
func (r *run) mockedDeps(was, now []artifact.DependencyUse) ([]string, bool) {
	nowBy := map[string]artifact.DependencyUse{}
	for _, d := range now {
		nowBy[d.Name] = d
	}
	if len(now) != len(was) {
		return nil, false
	}
	var replaced []string
	for _, d := range was {
		n, ok := nowBy[d.Name]
		if !ok || n.Unit != d.Unit {
			return nil, false
		}
		changed := false
		for k, a := range d.Outputs {
			b, ok := n.Outputs[k]
			switch {
			case !ok && a.Mocked:
				// A null output is not stored in the state: the mock's real value is null.
				changed = true
				replaced = append(replaced, d.Name+"."+k)
			case !ok:
				return nil, false
			case a.Hash == b.Hash:
			case a.Mocked:
				changed = true
				replaced = append(replaced, d.Name+"."+k)
			default:
				return nil, false
			}
		}
		if changed {
			res, ok := r.results[d.Unit]
			if !ok || res.Status != StatusApplied {
				return nil, false
			}
		}
	}
	sort.Strings(replaced)
	return replaced, len(replaced) > 0
}

// mockValues decodes the mock values a plan used (sensitive ones are not recorded).
func mockValues(m *artifact.Metadata) []any {
	var out []any
	for _, d := range m.Dependencies {
		for _, o := range d.Outputs {
			if !o.Mocked || o.Value == nil {
				continue
			}
			var v any
			if json.Unmarshal(o.Value, &v) == nil {
				out = append(out, v)
			}
		}
	}
	return out
}

// applyAfterMocks re-plans a unit whose reviewed plan used mock outputs of dependencies
// applied in this run, now with their real outputs, into <plans>/replans; it applies the
// re-plan when Equivalent to the reviewed plan, and stops the unit for a new review
// otherwise. Both plans, the verdict and a readable diff stay in the artifacts.
func (r *run) applyAfterMocks(ctx context.Context, sd *plan.Commit, p *artifact.Plan, u *config.Unit, w plan.Workdir, st *executor.State,
	now []artifact.DependencyUse, replaced []string, log *os.File, ar *artifact.ApplyResult) error {
	m := p.Metadata
	res := r.results[m.Unit]
	r.env.Progress.Step(m.Unit, "re-plan")
	fmt.Fprintf(log, "# olechka: planned with mock outputs (%s); re-planning with the real ones\n", strings.Join(replaced, ", "))
	dir, err := artifact.NewUnitDir(filepath.Join(r.opts.Plans, ReplansDir), m.Unit)
	if err != nil {
		return err
	}
	meta := artifact.Metadata{
		Unit: m.Unit, Root: m.Root, Action: m.Action, Commit: r.env.Commit, BaseCommit: m.BaseCommit, CreatedAt: r.env.Time(),
		Fingerprint: u.Fingerprint, Env: u.Env, Region: u.Region, Tier: u.Tier, AccountID: u.AccountID,
		Wave: m.Wave, DependsOn: m.DependsOn, Tools: r.env.Tools(), Dependencies: now, State: plan.StateRef(st),
	}
	start := time.Now()
	sum, err := plan.Into(ctx, sd.Env, w, dir, &meta)
	if err != nil {
		return fmt.Errorf("%s: re-plan with real dependency outputs: %w", m.Unit, err)
	}
	meta.Duration = artifact.Duration(time.Since(start))
	if err := artifact.WriteMetadata(dir, &meta); err != nil {
		return err
	}
	v, replanFile, err := r.compareReplan(ctx, p, dir, w)
	if err != nil {
		return err
	}
	rec := &VerdictRecord{Unit: m.Unit, Reviewed: p.Dir, Replan: dir, Mocks: replaced, Verdict: v}
	diff := diffText(m.Unit, replaced, v)
	fmt.Fprint(log, prefixLines(diff, "# "))
	if err := artifact.WriteFile(filepath.Join(dir, DiffFile), []byte(diff)); err != nil {
		return err
	}
	if !v.Equivalent {
		if err := artifact.WriteJSON(filepath.Join(dir, VerdictFile), rec); err != nil {
			return err
		}
		res.Status = StatusReplanned
		res.Reason = fmt.Sprintf("re-planned with the real outputs of %s: differs from the reviewed plan, needs a new review: %s",
			strings.Join(replaced, ", "), strings.Join(v.Reasons, "; "))
		return errors.New(res.Reason)
	}
	rec.Applied = true
	if err := artifact.WriteJSON(filepath.Join(dir, VerdictFile), rec); err != nil {
		return err
	}
	why := fmt.Sprintf("planned with mock outputs (%s); re-planned with the real ones: equivalent to the reviewed plan", strings.Join(replaced, ", "))
	if len(v.Accepted) > 0 {
		why += fmt.Sprintf(" (%d value(s) that were mocked or unknown now known)", len(v.Accepted))
	}
	if !sum.HasChanges {
		res.Status, res.Reason = StatusUnchanged, why+"; no changes"
		sd.Outputs.Set(u.Dir, st)
		ar.StateAfter = plan.StateRef(st)
		return nil
	}
	r.env.Progress.Step(m.Unit, "apply")
	if err := w.Apply(ctx, replanFile, m.Action == artifact.ActionDestroy); err != nil {
		return err
	}
	after, err := w.StatePull(ctx)
	if err != nil {
		return err
	}
	sd.Outputs.Set(u.Dir, after)
	ar.StateAfter = plan.StateRef(after)
	res.Status, res.Reason = StatusApplied, why
	return nil
}

// compareReplan compares the re-plan in dir with the reviewed plan p; it returns the
// verdict and the re-plan's binary plan, opened in the working area for apply.
func (r *run) compareReplan(ctx context.Context, p *artifact.Plan, dir string, w plan.Workdir) (Verdict, string, error) {
	m := p.Metadata
	r.env.Progress.Step(m.Unit, "compare")
	// Both binary plans may be sealed (tfplan.age): each is opened into the working
	// area in turn, the re-plan last, so the file applied below is the re-plan.
	reviewedFile, err := openPlan(r.env, p.Dir, w.Area())
	if err != nil {
		return Verdict{}, "", fmt.Errorf("%s: %w", m.Unit, err)
	}
	reviewed, err := showPlan(ctx, w, reviewedFile)
	if err != nil {
		return Verdict{}, "", err
	}
	replanFile, err := openPlan(r.env, dir, w.Area())
	if err != nil {
		return Verdict{}, "", fmt.Errorf("%s: re-plan: %w", m.Unit, err)
	}
	replan, err := showPlan(ctx, w, replanFile)
	if err != nil {
		return Verdict{}, "", err
	}
	v := Equivalent(reviewed, replan, mockValues(&m))
	return v, replanFile, nil
}

func showPlan(ctx context.Context, w plan.Workdir, file string) (*tfjson.Plan, error) {
	js, err := w.ShowJSON(ctx, file)
	if err != nil {
		return nil, err
	}
	var p tfjson.Plan
	if err := json.Unmarshal(js, &p); err != nil {
		return nil, fmt.Errorf("%s: reading the plan JSON: %w", file, err)
	}
	return &p, nil
}

// diffText is the readable reviewed-vs-re-plan comparison kept with the artifacts.
func diffText(unit string, replaced []string, v Verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the reviewed plan used mock outputs %s; re-planned with their real values.\n", unit, strings.Join(replaced, ", "))
	if v.Equivalent {
		b.WriteString("Verdict: equivalent to the reviewed plan (same resources, same actions; only mocked or unknown values differ): applied without another review.\n")
	} else {
		b.WriteString("Verdict: NOT equivalent to the reviewed plan: stopped for a new review.\nDifferences (reviewed -> re-plan):\n")
		for _, l := range v.Reasons {
			b.WriteString("  " + l + "\n")
		}
	}
	if len(v.Accepted) > 0 {
		b.WriteString("Accepted differences:\n")
		for _, l := range v.Accepted {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

func prefixLines(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}
