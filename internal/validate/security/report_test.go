package security

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

func parseFile(t *testing.T, name string) []finding.Finding {
	t.Helper()
	f, err := os.Open("testdata/reports/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := ParseReport(f)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func lines(fs []finding.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d:%d %s %s %s", f.File, f.Line, f.Column, f.Rule, f.Level, f.Severity))
		if f.Check != "security" || f.Message == "" {
			out = append(out, "MALFORMED")
		}
	}
	return strings.Join(out, "\n")
}

func TestParseReport(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"checkov.json", []string{
			".github/workflows/pipeline.yml:3:0 CKV_GHA_7 warning MEDIUM",
			"modules/storage/main.tf:12:0 CKV_AWS_144 note LOW",
			"modules/storage/main.tf:12:0 CKV_AWS_18 error ", // no severity without a Prisma key: a failed check fails
		}},
		{"checkov-single.json", []string{
			"modules/compute/main.tf:4:0 CKV_AWS_79 error HIGH",
		}},
		{"trivy.json", []string{
			"modules/storage/main.tf:12:0 AWS-0089 note LOW",
			"modules/storage/main.tf:12:0 AWS-0132 error HIGH",
		}},
		{"results.sarif", []string{
			"modules/database/main.tf:7:0 AWS-0177 warning ",
			"modules/network/sg.tf:30:5 AWS-0107 error HIGH",
			"modules/storage/main.tf:12:0 CKV_AWS_18 error ",
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			if got, want := lines(parseFile(t, c.file)), strings.Join(c.want, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestParseReportMessages(t *testing.T) {
	fs := parseFile(t, "checkov.json")
	if !strings.Contains(fs[2].Message, "Ensure the S3 bucket has access logging enabled (aws_s3_bucket.data)") {
		t.Errorf("checkov message: %q", fs[2].Message)
	}
	fs = parseFile(t, "trivy.json")
	if fs[0].Message != "S3 Bucket Logging: Bucket has logging disabled (AVD-AWS-0089)" {
		t.Errorf("trivy message: %q", fs[0].Message)
	}
	fs = parseFile(t, "results.sarif")
	if !strings.HasSuffix(fs[1].Message, "(Trivy)") {
		t.Errorf("SARIF message should name the tool: %q", fs[1].Message)
	}
}

func TestParseReportErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"not json":  "<xml/>",
		"unknown":   `{"foo": 1}`,
		"sarif 1.0": `{"version": "1.0.0", "runs": []}`,
		"bad list":  `[1, 2]`,
	} {
		if _, err := ParseReport(strings.NewReader(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}
