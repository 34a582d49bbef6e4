package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// ReadSecurityReport reads a security report made elsewhere: SARIF 2.1.0 (Checkov,
// trivy, any scanner), Checkov's JSON or trivy's JSON. Paths become relative to repo.
func ReadSecurityReport(file, repo string) ([]finding.Finding, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--security-report: %w", err)
	}
	b = bytes.TrimSpace(b)
	rel := func(p string) string {
		if u, err := url.Parse(p); err == nil && u.Scheme == "file" {
			p = u.Path
		}
		p = strings.TrimPrefix(p, "./")
		if filepath.IsAbs(p) {
			if r, err := filepath.Rel(repo, p); err == nil && !strings.HasPrefix(r, "..") {
				return filepath.ToSlash(r)
			}
		}
		return filepath.ToSlash(strings.TrimPrefix(p, "/"))
	}
	var probe map[string]json.RawMessage
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &probe); err != nil {
			return nil, fmt.Errorf("--security-report %s: %w", file, err)
		}
	}
	switch {
	case probe["runs"] != nil:
		return readSARIF(b, file, rel)
	case probe["Results"] != nil || probe["SchemaVersion"] != nil:
		return readTrivy(b, file, rel)
	case probe["results"] != nil || (len(b) > 0 && b[0] == '['):
		return readCheckov(b, file, rel)
	}
	return nil, fmt.Errorf("--security-report %s: not SARIF, Checkov JSON or trivy JSON", file)
}

func readSARIF(b []byte, file string, rel func(string) string) ([]finding.Finding, error) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Kind    string `json:"kind"`
				Message struct {
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
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		return nil, fmt.Errorf("--security-report %s: SARIF: %w", file, err)
	}
	var out []finding.Finding
	for _, run := range log.Runs {
		tool := strings.ToLower(run.Tool.Driver.Name)
		defaults := map[string]string{}
		sev := map[string]string{}
		for _, r := range run.Tool.Driver.Rules {
			defaults[r.ID] = r.DefaultConfiguration.Level
			if s, ok := r.Properties["security-severity"].(string); ok {
				sev[r.ID] = severityFromScore(s)
			}
		}
		for _, r := range run.Results {
			if r.Kind != "" && r.Kind != "fail" {
				continue
			}
			lvl := r.Level
			if lvl == "" {
				lvl = defaults[r.RuleID]
			}
			f := finding.Finding{Check: CheckSecurity, Rule: tool + "/" + r.RuleID, Message: r.Message.Text, Severity: sev[r.RuleID]}
			switch lvl {
			case "error", "":
				f.Level = finding.Error
			case "warning":
				f.Level = finding.Warning
			default:
				f.Level = finding.Note
			}
			if s, ok := r.Properties["severity"].(string); ok {
				f.Severity = strings.ToUpper(s)
			}
			if len(r.Locations) > 0 {
				pl := r.Locations[0].PhysicalLocation
				f.File = rel(pl.ArtifactLocation.URI)
				f.Line, f.Column = pl.Region.StartLine, pl.Region.StartColumn
			}
			out = append(out, f)
		}
	}
	return out, nil
}

func severityFromScore(s string) string {
	var x float64
	if _, err := fmt.Sscanf(s, "%g", &x); err != nil {
		return ""
	}
	switch {
	case x >= 9:
		return "CRITICAL"
	case x >= 7:
		return "HIGH"
	case x >= 4:
		return "MEDIUM"
	case x > 0:
		return "LOW"
	}
	return ""
}

func severityLevel(sev string) finding.Level {
	switch strings.ToUpper(sev) {
	case "CRITICAL", "HIGH":
		return finding.Error
	case "LOW", "INFO":
		return finding.Note
	}
	return finding.Warning
}

func readTrivy(b []byte, file string, rel func(string) string) ([]finding.Finding, error) {
	var rep struct {
		Results []struct {
			Target            string `json:"Target"`
			Misconfigurations []struct {
				ID            string `json:"ID"`
				AVDID         string `json:"AVDID"`
				Title         string `json:"Title"`
				Message       string `json:"Message"`
				Severity      string `json:"Severity"`
				Status        string `json:"Status"`
				CauseMetadata struct {
					StartLine int `json:"StartLine"`
				} `json:"CauseMetadata"`
			} `json:"Misconfigurations"`
		} `json:"Results"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("--security-report %s: trivy JSON: %w", file, err)
	}
	var out []finding.Finding
	for _, r := range rep.Results {
		for _, m := range r.Misconfigurations {
			if m.Status != "" && m.Status != "FAIL" {
				continue
			}
			id := m.AVDID
			if id == "" {
				id = m.ID
			}
			msg := m.Message
			if msg == "" {
				msg = m.Title
			}
			out = append(out, finding.Finding{Check: CheckSecurity, Rule: "trivy/" + id, Level: severityLevel(m.Severity),
				Severity: strings.ToUpper(m.Severity), Message: msg, File: rel(r.Target), Line: m.CauseMetadata.StartLine})
		}
	}
	return out, nil
}

func readCheckov(b []byte, file string, rel func(string) string) ([]finding.Finding, error) {
	type report struct {
		CheckType string `json:"check_type"`
		Results   struct {
			FailedChecks []struct {
				CheckID       string `json:"check_id"`
				CheckName     string `json:"check_name"`
				FilePath      string `json:"file_path"`
				RepoFilePath  string `json:"repo_file_path"`
				FileLineRange []int  `json:"file_line_range"`
				Resource      string `json:"resource"`
				Severity      string `json:"severity"`
				Guideline     string `json:"guideline"`
				FileAbsPath   string `json:"file_abs_path"`
			} `json:"failed_checks"`
		} `json:"results"`
	}
	var reps []report
	if b[0] == '[' {
		if err := json.Unmarshal(b, &reps); err != nil {
			return nil, fmt.Errorf("--security-report %s: Checkov JSON: %w", file, err)
		}
	} else {
		var r report
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("--security-report %s: Checkov JSON: %w", file, err)
		}
		reps = []report{r}
	}
	var out []finding.Finding
	for _, r := range reps {
		for _, c := range r.Results.FailedChecks {
			p := c.RepoFilePath
			if p == "" {
				p = c.FilePath
			}
			f := finding.Finding{Check: CheckSecurity, Rule: "checkov/" + c.CheckID, Severity: strings.ToUpper(c.Severity),
				Message: c.CheckName, File: rel(p)}
			if c.Resource != "" {
				f.Message = c.Resource + ": " + c.CheckName
			}
			if c.Severity == "" {
				f.Level = finding.Error
			} else {
				f.Level = severityLevel(c.Severity)
			}
			if len(c.FileLineRange) > 0 {
				f.Line = c.FileLineRange[0]
			}
			out = append(out, f)
		}
	}
	return out, nil
}
