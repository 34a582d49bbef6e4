package cli

import (
	"slices"

	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/plan"
)

// simulatedSummary is the plan summary's banner when some plans ran against a simulated
// provider (the AWS simulator in local mode): "" otherwise.
func simulatedSummary(res *plan.Result) string {
	var ps []string
	for _, u := range res.Units {
		if u.Summary == nil {
			continue
		}
		for _, p := range u.Summary.Simulated {
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
	}
	slices.Sort(ps)
	if n := notify.SimulatedNote(ps); n != "" {
		return "\n⚠ " + notify.SimulatedTitle + ": " + n + "\n"
	}
	return ""
}
