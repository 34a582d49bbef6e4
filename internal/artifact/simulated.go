package artifact

import "sort"

// SimulatedProviders is the union of the plans' Metadata.Simulated, sorted: the
// providers that only simulated their service for some of these plans (nil: none). The
// PR comment, the Slack message and the plan summary show a banner when it is not empty.
func SimulatedProviders(plans []*Plan) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range plans {
		if p == nil {
			continue
		}
		for _, a := range p.Metadata.Simulated {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}
