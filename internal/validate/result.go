package validate

import (
	"time"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// The checks the stage knows, in report order.
const (
	CheckFmt      = "fmt"
	CheckSchema   = "schema"
	CheckLint     = "lint"
	CheckPolicy   = "policy"
	CheckSecurity = "security"
	CheckCost     = "cost"
)

// AllChecks lists every check.
var AllChecks = []string{CheckFmt, CheckSchema, CheckLint, CheckPolicy, CheckSecurity, CheckCost}

// Check statuses.
const (
	StatusPassed  = "passed"  // ran, nothing at or above warning
	StatusWarned  = "warned"  // ran, warnings only
	StatusFailed  = "failed"  // ran, errors
	StatusSkipped = "skipped" // not run (not asked for, or a tool is missing: see Note)
	StatusError   = "error"   // could not run (see Note); counts as a failure
)

// CheckResult is how one check went.
type CheckResult struct {
	Name     string        `json:"name"`
	Status   string        `json:"status"`
	Note     string        `json:"note,omitempty"`
	Findings int           `json:"findings"`
	Duration time.Duration `json:"duration_ns"`
}

// Result is the stage's outcome.
type Result struct {
	Root     string            `json:"root"`  // tree root, relative to the repository root
	Units    int               `json:"units"` // units evaluated
	Checks   []CheckResult     `json:"checks"`
	Findings []finding.Finding `json:"findings"`
	Cost     *cost.Report      `json:"cost,omitempty"`
	Duration time.Duration     `json:"duration_ns"`
}

// Counts returns how many findings there are per level.
func (r *Result) Counts() (errors, warnings, notes int) {
	for _, f := range r.Findings {
		switch f.Level {
		case finding.Error:
			errors++
		case finding.Warning:
			warnings++
		default:
			notes++
		}
	}
	return
}

// Failed reports whether the result fails the stage: any error (or, with failOn
// warning, any warning), or a check that could not run.
func (r *Result) Failed(failOn finding.Level) bool {
	for _, c := range r.Checks {
		if c.Status == StatusError {
			return true
		}
	}
	for _, f := range r.Findings {
		if f.Level == finding.Error || (failOn == finding.Warning && f.Level == finding.Warning) {
			return true
		}
	}
	return false
}

// Check returns the result of one check, or nil.
func (r *Result) Check(name string) *CheckResult {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}
