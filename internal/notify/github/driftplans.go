package github

import (
	"sort"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
)

// DriftFromPlans turns the plans of a drift check (every unit, default branch) into
// issue updates and the check's report: units with changes drifted, units without are
// clean, failed plans neither. units lists every unit of the tree (nil: unknown).
func DriftFromPlans(run notify.Run, plans []*artifact.Plan, units []string) (DriftSync, notify.Report) {
	s := DriftSync{Run: run, Units: units}
	rep := notify.Report{Stage: notify.StageDrift, Run: run, Simulated: artifact.SimulatedProviders(plans)}
	for _, p := range plans {
		m := p.Metadata
		u := notify.UnitResult{Affected: notify.UnitOf(m), Counts: p.Summary.Counts()}
		switch {
		case m.Status == artifact.StatusFailed:
			u.Status, u.Message = notify.Failed, artifact.FirstLine(m.Error)
		case m.Status == artifact.StatusSkipped:
			u.Status, u.Message = notify.Skipped, "dependency "+m.SkippedBecause+" failed"
		case p.HasChanges():
			u.Status = notify.Drifted
			d := DriftedUnit{Affected: u.Affected, Counts: u.Counts, PlanText: comment.PlanText(p)}
			if p.Summary != nil {
				d.Changes, d.Drift = p.Summary.Resources, p.Summary.Drift
				u.Destructive = len(p.Summary.StatefulDestroys()) > 0
			}
			s.Drifted = append(s.Drifted, d)
		default:
			u.Status = notify.NoChanges
			s.Clean = append(s.Clean, m.Unit)
		}
		rep.Units = append(rep.Units, u)
	}
	sort.Strings(s.Clean)
	return s, rep
}
