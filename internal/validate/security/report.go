package security

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// ParseReport reads a security report made elsewhere (on GitHub, where Checkov runs):
// SARIF 2.1.0 from any scanner, Checkov's JSON (`checkov -o json`, one framework or a
// list of them) or trivy's JSON (`trivy config -f json`). Only failed checks become
// findings; suppressed SARIF results and passed checks are left out. File paths are
// kept as the report gives them (file:// URIs become paths, a leading "./" or "/" is
// dropped), with forward slashes.
func ParseReport(r io.Reader) ([]finding.Finding, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read security report: %w", err)
	}
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return nil, fmt.Errorf("security report is empty")
	}
	if b[0] == '[' {
		return parseCheckovList(b)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("security report is not JSON: %w", err)
	}
	var out []finding.Finding
	switch {
	case probe["runs"] != nil:
		out, err = parseSARIF(b)
	case probe["Results"] != nil || probe["SchemaVersion"] != nil:
		out, err = parseTrivy(b)
	case probe["check_type"] != nil || probe["results"] != nil:
		out, err = parseCheckov(b)
	default:
		return nil, fmt.Errorf("security report is neither SARIF (runs), trivy JSON (Results) nor Checkov JSON (results)")
	}
	if err != nil {
		return nil, err
	}
	finding.Sort(out)
	return out, nil
}

func reportPath(p string) string {
	if u, err := url.Parse(p); err == nil && u.Scheme == "file" {
		p = u.Path
	}
	p = strings.ReplaceAll(p, "\\", "/")
	p = strings.TrimPrefix(p, "./")
	return strings.TrimPrefix(p, "/")
}

// SARIF 2.1.0, the parts scanners fill in.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string      `json:"name"`
				Rules []sarifRule `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Kind      string `json:"kind"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Suppressions []struct {
				Status string `json:"status"`
			} `json:"suppressions"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

type sarifRule struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	ShortDescription struct {
		Text string `json:"text"`
	} `json:"shortDescription"`
	DefaultConfiguration struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties map[string]any `json:"properties"`
}

func parseSARIF(b []byte) ([]finding.Finding, error) {
	var log sarifLog
	if err := json.Unmarshal(b, &log); err != nil {
		return nil, fmt.Errorf("SARIF report: %w", err)
	}
	if log.Version != "" && log.Version != "2.1.0" {
		return nil, fmt.Errorf("SARIF report version %s, want 2.1.0", log.Version)
	}
	var out []finding.Finding
	for _, run := range log.Runs {
		rules := map[string]sarifRule{}
		for _, r := range run.Tool.Driver.Rules {
			rules[r.ID] = r
		}
		for _, res := range run.Results {
			if res.Kind != "" && res.Kind != "fail" {
				continue // pass, notApplicable, informational...
			}
			suppressed := false
			for _, s := range res.Suppressions {
				if s.Status == "" || s.Status == "accepted" {
					suppressed = true
				}
			}
			if suppressed {
				continue
			}
			rule, ok := rules[res.RuleID]
			if !ok && res.RuleIndex != nil && *res.RuleIndex >= 0 && *res.RuleIndex < len(run.Tool.Driver.Rules) {
				rule = run.Tool.Driver.Rules[*res.RuleIndex]
			}
			id := res.RuleID
			if id == "" {
				id = rule.ID
			}
			sev := sarifSeverity(rule.Properties, res.Properties)
			level := sarifLevel(res.Level, rule.DefaultConfiguration.Level)
			if sev != "" {
				level = levelOf(sev)
			}
			msg := res.Message.Text
			if msg == "" {
				msg = rule.ShortDescription.Text
			}
			if tool := run.Tool.Driver.Name; tool != "" {
				msg += " (" + tool + ")"
			}
			f := finding.Finding{Check: "security", Rule: id, Level: level, Severity: sev, Message: msg}
			if len(res.Locations) > 0 {
				pl := res.Locations[0].PhysicalLocation
				f.File = reportPath(pl.ArtifactLocation.URI)
				f.Line, f.Column = pl.Region.StartLine, pl.Region.StartColumn
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// sarifSeverity reads a severity from properties: security-severity (a CVSS score,
// as trivy and GitHub use) or a severity/problem.severity word.
func sarifSeverity(props ...map[string]any) string {
	for _, p := range props {
		if p == nil {
			continue
		}
		if v, ok := p["security-severity"]; ok {
			var score float64
			switch s := v.(type) {
			case string:
				score, _ = strconv.ParseFloat(s, 64)
			case float64:
				score = s
			}
			switch {
			case score >= 9:
				return "CRITICAL"
			case score >= 7:
				return "HIGH"
			case score >= 4:
				return "MEDIUM"
			case score > 0:
				return "LOW"
			}
		}
		for _, k := range []string{"severity", "problem.severity"} {
			if s, ok := p[k].(string); ok && s != "" {
				switch u := strings.ToUpper(s); u {
				case "CRITICAL", "HIGH", "MEDIUM", "LOW":
					return u
				case "ERROR":
					return "HIGH"
				case "WARNING":
					return "MEDIUM"
				case "RECOMMENDATION", "NOTE":
					return "LOW"
				}
			}
		}
	}
	return ""
}

func sarifLevel(levels ...string) finding.Level {
	for _, l := range levels {
		switch l {
		case "error":
			return finding.Error
		case "warning":
			return finding.Warning
		case "note", "none":
			return finding.Note
		}
	}
	return finding.Warning // SARIF's default level
}

// Checkov JSON: one framework's report, or a list of them.
type checkovReport struct {
	CheckType string `json:"check_type"`
	Results   struct {
		FailedChecks []struct {
			CheckID       string `json:"check_id"`
			BCCheckID     string `json:"bc_check_id"`
			CheckName     string `json:"check_name"`
			FilePath      string `json:"file_path"`
			FileLineRange []int  `json:"file_line_range"`
			Resource      string `json:"resource"`
			Severity      string `json:"severity"`
			Guideline     string `json:"guideline"`
		} `json:"failed_checks"`
	} `json:"results"`
}

func parseCheckovList(b []byte) ([]finding.Finding, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("checkov report: %w", err)
	}
	var out []finding.Finding
	for _, r := range list {
		fs, err := parseCheckov(r)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	finding.Sort(out)
	return out, nil
}

func parseCheckov(b []byte) ([]finding.Finding, error) {
	var rep checkovReport
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("checkov report: %w", err)
	}
	var out []finding.Finding
	for _, c := range rep.Results.FailedChecks {
		sev := strings.ToUpper(c.Severity)
		level := finding.Error // Checkov without a severity (no platform key): a failed check fails
		if sev != "" {
			level = levelOf(sev)
		}
		msg := c.CheckName
		if c.Resource != "" {
			msg += " (" + c.Resource + ")"
		}
		if c.Guideline != "" {
			msg += " " + c.Guideline
		}
		f := finding.Finding{Check: "security", Rule: c.CheckID, Level: level, Severity: sev, Message: msg, File: reportPath(c.FilePath)}
		if len(c.FileLineRange) > 0 {
			f.Line = c.FileLineRange[0]
		}
		out = append(out, f)
	}
	return out, nil
}

// trivy JSON (`trivy config --format json`).
type trivyReport struct {
	Results []struct {
		Target            string `json:"Target"`
		Misconfigurations []struct {
			ID            string `json:"ID"`
			AVDID         string `json:"AVDID"`
			Title         string `json:"Title"`
			Message       string `json:"Message"`
			Severity      string `json:"Severity"`
			Status        string `json:"Status"`
			PrimaryURL    string `json:"PrimaryURL"`
			CauseMetadata struct {
				Resource  string `json:"Resource"`
				StartLine int    `json:"StartLine"`
			} `json:"CauseMetadata"`
		} `json:"Misconfigurations"`
	} `json:"Results"`
}

func parseTrivy(b []byte) ([]finding.Finding, error) {
	var rep trivyReport
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("trivy report: %w", err)
	}
	var out []finding.Finding
	for _, res := range rep.Results {
		for _, m := range res.Misconfigurations {
			if m.Status != "" && m.Status != "FAIL" {
				continue
			}
			id := strings.TrimPrefix(m.ID, "AVD-")
			if id == "" {
				id = strings.TrimPrefix(m.AVDID, "AVD-")
			}
			sev := strings.ToUpper(m.Severity)
			msg := m.Title
			if m.Message != "" && m.Message != m.Title {
				msg += ": " + m.Message
			}
			msg += " (" + avd(id) + ")"
			out = append(out, finding.Finding{
				Check: "security", Rule: id, Level: levelOf(sev), Severity: sev, Message: msg,
				File: reportPath(res.Target), Line: m.CauseMetadata.StartLine,
			})
		}
	}
	return out, nil
}
