package notify

import (
	"cmp"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// PlanReport is the report of the plan stage: every planned unit with its plan's
// outcome and review's gate.
func PlanReport(run Run, plans []*artifact.Plan, decisions []review.Decision) Report {
	byDecision := map[string]review.Decision{}
	for _, d := range decisions {
		byDecision[d.Unit] = d
	}
	r := Report{Stage: StagePlan, Run: run, Simulated: artifact.SimulatedProviders(plans)}
	for _, p := range plans {
		m := p.Metadata
		d, reviewed := byDecision[m.Unit]
		u := UnitResult{Affected: UnitOf(m), Counts: p.Summary.Counts(), Duration: time.Duration(m.Duration),
			Destructive: reviewed && len(d.Stateful) > 0}
		switch {
		case m.Status == artifact.StatusFailed:
			u.Status, u.Message = Failed, artifact.FirstLine(m.Error)
		case m.Status == artifact.StatusSkipped:
			u.Status, u.Message = Skipped, "dependency "+m.SkippedBecause+" failed"
		case d.Gate == review.Blocked:
			u.Status, u.Message = Blocked, strings.Join(d.Reasons, "; ")
		case !p.HasChanges():
			u.Status = NoChanges
		case d.Gate == review.Manual:
			u.Status, u.Message = Pending, "approval in "+d.Environment
		default:
			u.Status = Planned
		}
		r.Units = append(r.Units, u)
	}
	return r
}

// ApplyReport is the report of the apply stage: every planned unit with what apply did
// (or why it did not run).
func ApplyReport(run Run, plans []*artifact.Plan, decisions []review.Decision) Report {
	r := PlanReport(run, plans, decisions)
	r.Stage = StageApply
	byPlan := artifact.ByUnit(plans)
	for i := range r.Units {
		applied(&r.Units[i], byPlan[r.Units[i].Path].Applied)
	}
	return r
}

// applied sets a unit's outcome from what apply wrote (nil: apply did not run it).
func applied(u *UnitResult, a *artifact.ApplyResult) {
	if a == nil {
		if u.Status == Planned || u.Status == Pending {
			u.Status, u.Message = Skipped, "not applied"
		}
		return
	}
	u.Duration = time.Duration(a.Duration)
	switch a.Status {
	case artifact.Applied:
		u.Status, u.Message = Applied, ""
	case artifact.Unchanged:
		u.Status, u.Message = NoChanges, ""
	case artifact.Failed:
		u.Status, u.Message = Failed, artifact.FirstLine(cmp.Or(a.Error, a.Reason))
	case artifact.Refused:
		u.Status, u.Message = Blocked, artifact.FirstLine(cmp.Or(a.Reason, a.Error))
	case artifact.Skipped:
		u.Status, u.Message = Skipped, artifact.FirstLine(cmp.Or(a.Reason, a.Error))
	case artifact.Replanned:
		u.Status, u.Message = Pending, "re-planned: the new plan needs a review"
	default:
		u.Status, u.Message = Failed, "unknown apply status "+string(a.Status)
	}
}
