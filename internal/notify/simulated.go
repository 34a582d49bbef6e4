package notify

import (
	"path"
	"strings"
)

// SimulatedTitle is the banner's heading wherever a report shows that its plans ran
// against a simulated provider (artifact.Metadata.Simulated).
const SimulatedTitle = "Simulated AWS"

// SimulatedNote is the banner's text for the given simulated provider addresses
// (registry.opentofu.org/hashicorp/aws...), "" when there are none: which services were
// simulated, that nothing was asked of them, and what that does not promise.
func SimulatedNote(providers []string) string {
	if len(providers) == 0 {
		return ""
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range providers {
		n := path.Base(p)
		if n == "aws" {
			n = "AWS"
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return "these plans ran against olechka's simulator of " + strings.Join(names, ", ") +
		" (" + strings.Join(providers, ", ") + "), not the real service: no API was called. " +
		"A clean plan here does not promise one against AWS (docs/simulator.md)."
}

// simulatedLine is Text's banner line ("" without simulated providers).
func (r Report) simulatedLine() string {
	n := SimulatedNote(r.Simulated)
	if n == "" {
		return ""
	}
	return "  ⚠ " + SimulatedTitle + ": " + n + "\n"
}
