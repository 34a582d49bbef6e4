package comment

import (
	"os"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// Build assembles the comment from detect's result (nil: the plans' units), plan
// artifacts, review's decisions, findings and the cost report (any may be empty).
func Build(run notify.Run, det *detect.Result, plans []*artifact.Plan, decisions []review.Decision, findings []finding.Finding, c *cost.Report) Input {
	in := Input{Run: run, Findings: findings, Edges: map[string][]string{}, Simulated: artifact.SimulatedProviders(plans)}
	byPlan := artifact.ByUnit(plans)
	byDecision := map[string]*review.Decision{}
	for i := range decisions {
		byDecision[decisions[i].Unit] = &decisions[i]
	}
	seen := map[string]bool{}
	add := func(a detect.Affected) {
		u := Unit{Affected: a, Decision: byDecision[a.Path]}
		if p := byPlan[a.Path]; p != nil {
			u.Plan = PlanOf(p)
			if u.Env == "" {
				u.Env = p.Metadata.Env
			}
			in.Edges[u.Path] = p.Metadata.DependsOn
		}
		seen[u.Path] = true
		in.Units = append(in.Units, u)
	}
	if det != nil {
		in.Base, in.Head = det.Base, det.Head
		for _, u := range det.Units {
			add(u)
		}
	}
	for _, p := range plans {
		if seen[p.Metadata.Unit] {
			continue
		}
		add(notify.UnitOf(p.Metadata))
		if in.Head == "" {
			in.Head = p.Metadata.Commit
		}
	}
	if c != nil {
		in.Cost = CostOf(c, seen)
	}
	return in
}

// PlanOf is the comment's view of a plan artifact.
func PlanOf(p *artifact.Plan) *Plan {
	if p == nil {
		return nil
	}
	m := p.Metadata
	cp := &Plan{Counts: p.Summary.Counts(), Mocks: m.Mocks()}
	if p.Summary != nil {
		cp.Changes = p.Summary.Resources
	}
	switch m.Status {
	case artifact.StatusFailed:
		cp.Error = strings.TrimSpace(m.Error)
		if tail := logTail(p, 40); tail != "" && !strings.Contains(cp.Error, tail) {
			cp.Error += "\n\n" + tail
		}
		if cp.Error == "" {
			cp.Error = "the plan failed (see plan.log in the artifacts)"
		}
	case artifact.StatusSkipped:
		cp.Skipped = "dependency " + m.SkippedBecause + " did not plan"
	default:
		cp.Text = PlanText(p)
	}
	return cp
}

// PlanText returns a unit's readable plan ("" when absent).
func PlanText(p *artifact.Plan) string {
	b, err := os.ReadFile(p.File(artifact.PlanTextFile))
	if err != nil {
		return ""
	}
	return string(b)
}

// logTail returns the last lines of a unit's plan log, for failed plans.
func logTail(p *artifact.Plan, lines int) string {
	b, err := os.ReadFile(p.File(artifact.PlanLogFile))
	if err != nil {
		return ""
	}
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}

// CostOf is the comment's cost diff from validate's cost report: the affected units
// (all units when affected is empty) whose estimate is known.
func CostOf(r *cost.Report, affected map[string]bool) *Cost {
	out := &Cost{Currency: r.Currency, Source: r.Source}
	if r.AsOf != "" {
		out.Source = strings.TrimSpace(out.Source + " prices as of " + r.AsOf)
	}
	for _, u := range r.Units {
		if len(affected) > 0 && !affected[u.Path] {
			continue
		}
		l := CostLine{Name: u.Path, Head: u.Monthly}
		if u.Removed {
			l.Head = 0
		}
		if u.Base != nil {
			l.Base = *u.Base
		}
		if l.Base == 0 && l.Head == 0 {
			continue
		}
		out.Lines = append(out.Lines, l)
	}
	return out
}
