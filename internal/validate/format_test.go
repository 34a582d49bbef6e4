package validate

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

func sampleResult() *Result {
	budget, base, delta := 500.0, 400.0, 120.0
	return &Result{
		Root:  "live",
		Units: 3,
		Checks: []CheckResult{
			{Name: "fmt", Status: StatusFailed, Findings: 1, Duration: time.Millisecond},
			{Name: "lint", Status: StatusWarned, Findings: 1, Note: "tflint skipped: not installed"},
			{Name: "policy", Status: StatusFailed, Findings: 2},
			{Name: "security", Status: StatusFailed, Findings: 1},
			{Name: "schema", Status: StatusSkipped, Note: "schema file missing"},
		},
		Findings: []finding.Finding{
			{Check: "fmt", Rule: "fmt/unformatted", Level: finding.Error, Message: "not canonically formatted", File: "live/dev/eu-central-1/vpc/terragrunt.hcl", Line: 1, Column: 1},
			{Check: "lint", Rule: "undeclared-input", Level: finding.Warning, Message: "input \"x\" is not a variable, 100% sure:\nreally", File: "live/dir with space/terragrunt.hcl", Line: 3, Column: 3, Unit: "dev/x"},
			{Check: "policy", Rule: "deletion-protection", Level: finding.Error, Message: "production keeps deletion protection | on", File: "live/production/eu-central-1/aurora/terragrunt.hcl", Line: 24, Column: 3, Unit: "production/eu-central-1/aurora"},
			{Check: "policy", Rule: "budget", Level: finding.Error, Message: "over budget", Unit: ""},
			{Check: "security", Rule: "AWS-0080", Level: finding.Error, Severity: "HIGH", Message: "Cluster does not have storage encryption enabled.", File: "modules/aurora/main.tf", Line: 12, Column: 1, Unit: "production/eu-central-1/aurora"},
		},
		Cost: &cost.Report{Currency: "USD", AsOf: "2026-11-25", Source: "estimate", Monthly: 520, Base: &base,
			Envs: []cost.EnvCost{{Env: "dev", Units: 3, Monthly: 520, Base: &base, Delta: &delta, Budget: &budget}}},
		Duration: 1500 * time.Millisecond,
	}
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSARIFIsValidAgainstTheSchema(t *testing.T) {
	sch := sarifSchema(t)
	for name, r := range map[string]*Result{"findings": sampleResult(), "empty": {Checks: []CheckResult{{Name: "fmt", Status: StatusPassed}}}} {
		var b bytes.Buffer
		if err := WriteSARIF(&b, r, "1.2.3"); err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Fatalf("%s: SARIF not valid: %#v", name, err)
		}
	}
	// The validator does catch a broken log (so the test above can fail).
	var b bytes.Buffer
	WriteSARIF(&b, sampleResult(), "1")
	broken := strings.Replace(b.String(), `"level": "error"`, `"level": "fatal"`, 1)
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(broken))
	if err := sch.Validate(doc); err == nil {
		t.Fatal("a SARIF level outside the enum must be refused by the schema")
	}
}

func TestSARIFContent(t *testing.T) {
	var b bytes.Buffer
	WriteSARIF(&b, sampleResult(), "1.2.3")
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID         string `json:"id"`
						Properties struct {
							SecuritySeverity string `json:"security-severity"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Name != "olechka" || len(run.Results) != 5 {
		t.Fatalf("%+v", log)
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", res.RuleIndex, res.RuleID)
		}
	}
	var sec, spaced bool
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "security/AWS-0080" && r.Properties.SecuritySeverity == "8.0" {
			sec = true
		}
	}
	for _, res := range run.Results {
		if len(res.Locations) == 1 && res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "live/dir%20with%20space/terragrunt.hcl" {
			spaced = true
		}
	}
	if !sec || !spaced {
		t.Fatalf("security severity %v, escaped URI %v\n%s", sec, spaced, b.String())
	}
}

func TestGitHubAnnotations(t *testing.T) {
	var b bytes.Buffer
	WriteGitHub(&b, sampleResult())
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	want := []string{
		"::error file=live/dev/eu-central-1/vpc/terragrunt.hcl,line=1,col=1,title=fmt fmt/unformatted::not canonically formatted",
		"::warning file=live/dir with space/terragrunt.hcl,line=3,col=3,title=lint undeclared-input::input \"x\" is not a variable, 100%25 sure:%0Areally",
		"::error file=live/production/eu-central-1/aurora/terragrunt.hcl,line=24,col=3,title=policy deletion-protection::production keeps deletion protection | on",
		"::error title=policy budget::over budget",
		"::error file=modules/aurora/main.tf,line=12,col=1,title=security AWS-0080 (HIGH)::Cluster does not have storage encryption enabled.",
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i, lines[i], want[i])
		}
	}
	if got := escapeProperty("a,b:c%d\ne"); got != "a%2Cb%3Ac%25d%0Ae" {
		t.Errorf("escapeProperty = %s", got)
	}
}

func TestTextAndMarkdown(t *testing.T) {
	var plain, colored, md bytes.Buffer
	WriteText(&plain, sampleResult(), false)
	WriteText(&colored, sampleResult(), true)
	WriteMarkdown(&md, sampleResult())
	p := plain.String()
	for _, s := range []string{"policy failed (2)", "  live/production/eu-central-1/aurora/terragrunt.hcl\n    24:3 error [deletion-protection]",
		"schema skipped - schema file missing", "validate failed: 4 errors, 1 warnings, 0 notes in 3 units", "$520.00  +$120.00  budget $500.00"} {
		if !strings.Contains(p, s) {
			t.Errorf("text lacks %q:\n%s", s, p)
		}
	}
	if strings.Contains(p, "\x1b[") || !strings.Contains(colored.String(), "\x1b[31merror\x1b[0m") {
		t.Error("colour only when asked")
	}
	m := md.String()
	for _, s := range []string{"### ❌ olechka validate: 4 errors, 1 warnings", "| policy | failed | 2 |", "deletion protection \\| on",
		"`live/production/eu-central-1/aurora/terragrunt.hcl:24`", "| dev | 3 | $400.00 | $520.00 | +$120.00 |", "100% sure:<br>really"} {
		if !strings.Contains(m, s) {
			t.Errorf("markdown lacks %q:\n%s", s, m)
		}
	}
	// Errors come before warnings in the findings table.
	if strings.Index(m, "undeclared-input") < strings.Index(m, "AWS-0080") {
		t.Error("errors first")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", sampleResult(), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Findings) != 5 || back.Cost.Monthly != 520 || back.Check("schema").Status != StatusSkipped {
		t.Fatalf("%+v", back)
	}
	b.Reset()
	Write(&b, "json", &Result{Findings: []finding.Finding{}}, WriteOptions{})
	if !strings.Contains(b.String(), `"findings": []`) {
		t.Fatalf("no findings is an empty list, not null:\n%s", b.String())
	}
	if err := Write(&b, "xml", sampleResult(), WriteOptions{}); err == nil {
		t.Fatal("unknown format")
	}
}
