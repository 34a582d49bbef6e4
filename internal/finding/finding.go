// Package finding is the shape every check reports in: validate's checks produce
// findings, review and notify consume them.
package finding

import (
	"fmt"
	"sort"
)

// Level is how a finding gates the pipeline (SARIF's levels).
type Level string

const (
	// Error blocks: a deny, a broken file, a failed check.
	Error Level = "error"
	// Warning advises.
	Warning Level = "warning"
	// Note informs.
	Note Level = "note"
)

// Finding is one result of one check.
type Finding struct {
	Check    string `json:"check"`              // fmt, schema, lint, policy, security, cost
	Rule     string `json:"rule"`               // e.g. AWS-0180, schema/unknown-argument, policy/deny
	Level    Level  `json:"level"`              // error, warning, note
	Severity string `json:"severity,omitempty"` // CRITICAL, HIGH, MEDIUM, LOW (security checks)
	Message  string `json:"message"`
	File     string `json:"file,omitempty"` // relative to the repository root, forward slashes
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Unit     string `json:"unit,omitempty"` // unit path, when the finding belongs to a unit
}

// String renders a finding as file:line:col: level: [check/rule] message.
func (f Finding) String() string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
	}
	if loc != "" {
		loc += ": "
	}
	return fmt.Sprintf("%s%s: [%s %s] %s", loc, f.Level, f.Check, f.Rule, f.Message)
}

// Where names the finding's place for a reader: file:line, the file, or else the unit.
func (f Finding) Where() string {
	switch {
	case f.File != "" && f.Line > 0:
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	case f.File != "":
		return f.File
	}
	return f.Unit
}

// Sort orders findings by file, line, column, check and rule, so reports are stable.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Rule < b.Rule
	})
}
