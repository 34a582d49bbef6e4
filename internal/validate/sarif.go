package validate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// SARIF 2.1.0, the parts olechka writes (GitHub code scanning reads them).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Results            []sarifResult               `json:"results"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Invocations        []sarifInvocation           `json:"invocations,omitempty"`
	AutomationDetails  *sarifAutomation            `json:"automationDetails,omitempty"`
	ColumnKind         string                      `json:"columnKind,omitempty"`
	Properties         map[string]any              `json:"properties,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name,omitempty"`
	ShortDescription     sarifMessage      `json:"shortDescription"`
	FullDescription      *sarifMessage     `json:"fullDescription,omitempty"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           sarifRuleProperty `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperty struct {
	Tags             []string `json:"tags,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Precision        string   `json:"precision,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// securitySeverity maps a finding's severity to GitHub's security-severity score.
func securitySeverity(s string) string {
	switch strings.ToUpper(s) {
	case "CRITICAL":
		return "9.5"
	case "HIGH":
		return "8.0"
	case "MEDIUM":
		return "5.5"
	case "LOW":
		return "2.0"
	}
	return ""
}

// sarifURI turns a repository-relative path into a relative URI reference.
func sarifURI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// WriteSARIF writes a SARIF 2.1.0 log with one run, rules deduplicated, file paths
// relative to the repository root (%SRCROOT%).
func WriteSARIF(w io.Writer, r *Result, version string) error {
	if version == "" {
		version = "dev"
	}
	rules, index := sarifRules(r.Findings)
	notes := sarifNotes(r.Checks)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "olechka", Version: version,
			InformationURI: "https://github.com/terragrunt-olechka/olechka", Rules: rules}},
		Results:           []sarifResult{},
		ColumnKind:        "unicodeCodePoints",
		AutomationDetails: &sarifAutomation{ID: "olechka/validate/"},
		Invocations:       []sarifInvocation{{ExecutionSuccessful: len(notes) == 0 || !hasErrorNote(notes), ToolExecutionNotifications: notes}},
	}
	for _, f := range r.Findings {
		run.Results = append(run.Results, sarifResultOf(f, index))
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifRuleID names a finding's rule, prefixed with its check unless it already is.
func sarifRuleID(f finding.Finding) string {
	if strings.HasPrefix(f.Rule, f.Check+"/") || f.Check == "" {
		return f.Rule
	}
	return f.Check + "/" + f.Rule
}

// sarifRules returns the rules the findings name, sorted by id, each at the highest
// security severity and the most severe level of its findings, and each id's index.
func sarifRules(findings []finding.Finding) ([]sarifRule, map[string]int) {
	byID := map[string]*sarifRule{}
	var ids []string
	for _, f := range findings {
		id := sarifRuleID(f)
		rule, ok := byID[id]
		if !ok {
			rule = &sarifRule{
				ID:                   id,
				Name:                 ruleName(id),
				ShortDescription:     sarifMessage{Text: id},
				DefaultConfiguration: sarifRuleConfig{Level: string(f.Level)},
				Properties:           sarifRuleProperty{Tags: []string{"olechka", f.Check}},
			}
			if f.Check == CheckPolicy {
				rule.Properties.Tags = append(rule.Properties.Tags, "security")
			}
			byID[id] = rule
			ids = append(ids, id)
		}
		if s := securitySeverity(f.Severity); s > rule.Properties.SecuritySeverity {
			rule.Properties.SecuritySeverity = s
		}
		if levelRank(f.Level) < levelRank(finding.Level(rule.DefaultConfiguration.Level)) {
			rule.DefaultConfiguration.Level = string(f.Level)
		}
	}
	sort.Strings(ids)
	rules := []sarifRule{}
	index := map[string]int{}
	for i, id := range ids {
		index[id] = i
		rules = append(rules, *byID[id])
	}
	return rules, index
}

// sarifNotes reports the checks that could not run (errors) or were skipped with a
// reason (notes).
func sarifNotes(checks []CheckResult) []sarifNotification {
	var notes []sarifNotification
	for _, c := range checks {
		if c.Status == StatusError {
			notes = append(notes, sarifNotification{Level: "error", Message: sarifMessage{Text: fmt.Sprintf("%s could not run: %s", c.Name, c.Note)}})
		} else if c.Status == StatusSkipped && c.Note != "" {
			notes = append(notes, sarifNotification{Level: "note", Message: sarifMessage{Text: fmt.Sprintf("%s skipped: %s", c.Name, c.Note)}})
		}
	}
	return notes
}

// sarifResultOf is one finding as a SARIF result: its rule, location (relative to
// %SRCROOT%), a fingerprint that survives line moves, and its unit and severity.
func sarifResultOf(f finding.Finding, index map[string]int) sarifResult {
	id := sarifRuleID(f)
	res := sarifResult{
		RuleID:    id,
		RuleIndex: index[id],
		Level:     string(f.Level),
		Message:   sarifMessage{Text: f.Message},
	}
	if res.Message.Text == "" {
		res.Message.Text = id
	}
	if f.File != "" {
		loc := sarifLocation{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifactLoc{URI: sarifURI(f.File), URIBaseID: "%SRCROOT%"},
		}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Column}
		}
		res.Locations = []sarifLocation{loc}
	}
	sum := sha256.Sum256([]byte(id + "\x00" + f.File + "\x00" + f.Unit + "\x00" + f.Message))
	res.PartialFingerprints = map[string]string{"olechkaFinding/v1": hex.EncodeToString(sum[:16])}
	props := map[string]any{}
	if f.Unit != "" {
		props["unit"] = f.Unit
	}
	if f.Severity != "" {
		props["severity"] = f.Severity
	}
	if len(props) > 0 {
		res.Properties = props
	}
	return res
}

func hasErrorNote(ns []sarifNotification) bool {
	for _, n := range ns {
		if n.Level == "error" {
			return true
		}
	}
	return false
}

// ruleName turns policy/deletion-protection into PolicyDeletionProtection.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '/' || r == '-' || r == '_' || r == '.' || r == ' ' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}
