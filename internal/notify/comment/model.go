// Package comment renders the pull request comment of a pipeline run: the affected
// units with the reasons detect gave, a collapsible plan per unit (destructive changes
// first), the findings of validate, the cost diff and a Mermaid graph of the affected
// units. The result never exceeds GitHub's comment limit: it continues in further
// comments (each with its own hidden marker and part number) or, past a bounded number
// of parts, ends with a link to the full comment kept in the run's artifacts.
//
// Build assembles the comment (Input) from detect's result, plan artifacts, review's
// decisions, validate's findings and the cost report; Load reads them from their files.
package comment

import (
	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// Input is everything one comment shows.
type Input struct {
	Run        notify.Run
	Base, Head string // commits detect compared
	Units      []Unit
	Findings   []finding.Finding
	Cost       *Cost
	// Edges maps a unit path to the paths it depends on; the graph draws the edges
	// between affected units.
	Edges map[string][]string
	// FullURL links to where the full, untruncated comment and plans are kept (the
	// run's artifacts); "" = the run URL.
	FullURL string
	// Title overrides the heading ("olechka plan" by default).
	Title string
	// Simulated lists the simulated providers the plans ran with: a banner says so.
	Simulated []string
}

// Unit is one affected unit: detect's affected unit (or what its plan recorded of it),
// its plan and review's decision.
type Unit struct {
	detect.Affected
	Plan *Plan `json:"plan,omitempty"` // nil: not planned (yet)
	// Decision is review's gate for the unit; nil: not reviewed.
	Decision *review.Decision `json:"gate,omitempty"`
}

// Plan is a unit's plan, as its artifacts summarise it.
type Plan struct {
	Counts  artifact.Counts           `json:"counts"`
	Changes []artifact.ResourceChange `json:"changes,omitempty"`
	Text    string                    `json:"text,omitempty"`  // readable plan (sensitive values already masked)
	Error   string                    `json:"error,omitempty"` // the plan failed
	// Skipped says why the unit was not planned (a dependency failed).
	Skipped string   `json:"skipped,omitempty"`
	Mocks   []string `json:"mocks,omitempty"` // dependencies whose mock outputs the plan used
}

// Destructive reports whether the plan deletes or replaces anything.
func (p *Plan) Destructive() bool {
	return p != nil && p.Counts.Destructive()
}

// Stateful reports whether the plan deletes or replaces a stateful resource.
func (p *Plan) Stateful() bool {
	if p == nil {
		return false
	}
	for _, c := range p.Changes {
		if c.Stateful && c.Destructive() {
			return true
		}
	}
	return false
}

// Cost is the monthly cost estimate before and after the change.
type Cost struct {
	Currency string     `json:"currency"` // USD
	Lines    []CostLine `json:"lines"`
	Source   string     `json:"source,omitempty"` // "olechka catalog 2025-01", "infracost"
}

// CostLine is one unit's (or env's) monthly estimate.
type CostLine struct {
	Name string  `json:"name"`
	Base float64 `json:"base"`
	Head float64 `json:"head"`
}
