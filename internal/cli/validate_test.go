package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func validateTree(t *testing.T, appInputs string) string {
	return tree(t, map[string]string{
		"live/root.hcl":               "inputs = {\n  environment = \"dev\"\n  aws_region = \"eu-central-1\"\n  tier = \"dev\"\n}\n",
		"live/dev/app/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\nterraform {\n  source = \"../../../modules/app\"\n}\ninputs = {\n" + appInputs + "}\n",
		"modules/app/variables.tf":    "variable \"environment\" {\n  type = string\n}\nvariable \"aws_region\" {\n  type = string\n}\nvariable \"tier\" {\n  type = string\n}\nvariable \"size\" {\n  type = number\n}\n",
		"policy/unit/size.rego":       "package olechka.unit.size\n\ndeny contains {\"rule\": \"size\", \"field\": \"inputs.size\", \"msg\": \"size too big\"} if input.inputs.size > 10\n\nwarn contains \"size is odd\" if input.inputs.size % 2 == 1\n",
		"policy/unit/size_test.rego":  "package olechka.unit.size_test\n\ntest_big if { count(data.olechka.unit.size.deny) == 1 with input as {\"inputs\": {\"size\": 11}} }\n",
	})
}

func TestValidateCommand(t *testing.T) {
	dir := validateTree(t, "  size = 4\n")
	policy := filepath.Join(dir, "policy")
	out, errOut, code := run(t, "validate", "--only", "lint,policy", "--policy", policy, filepath.Join(dir, "live"))
	if code != 0 {
		t.Fatalf("a clean tree passes: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "validate passed: 0 errors, 0 warnings") || strings.Contains(out, "\x1b[") {
		t.Fatalf("text report (no colour off a terminal):\n%s", out)
	}

	dir = validateTree(t, "  size = 11\n")
	policy = filepath.Join(dir, "policy")
	sarif := filepath.Join(dir, "out", "v.sarif")
	out, _, code = run(t, "validate", "--only", "lint,policy", "--policy", policy, "--format", "github",
		"--report", "sarif="+sarif, filepath.Join(dir, "live"))
	if code != 1 {
		t.Fatalf("a deny exits 1, got %d\n%s", code, out)
	}
	if !strings.Contains(out, "::error file=dev/app/terragrunt.hcl,line=8,col=3,title=policy size::size too big") {
		t.Fatalf("annotations:\n%s", out)
	}
	b, err := os.ReadFile(sarif)
	if err != nil || !strings.Contains(string(b), `"version": "2.1.0"`) {
		t.Fatalf("--report sarif: %v", err)
	}

	// Warnings fail only with --fail-on warn.
	dir = validateTree(t, "  size = 3\n")
	policy = filepath.Join(dir, "policy")
	if _, _, code = run(t, "validate", "--only", "policy", "--policy", policy, filepath.Join(dir, "live")); code != 0 {
		t.Fatalf("warn passes by default: %d", code)
	}
	out, _, code = run(t, "validate", "--only", "policy", "--policy", policy, "--fail-on", "warn", "--format", "json", filepath.Join(dir, "live"))
	if code != 1 {
		t.Fatalf("--fail-on warn: %d", code)
	}
	var res struct {
		Findings []struct{ Level, Rule string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Findings) != 1 || res.Findings[0].Level != "warning" {
		t.Fatalf("json: %v %+v", err, res)
	}
}

func TestValidateUsageErrors(t *testing.T) {
	dir := validateTree(t, "  size = 4\n")
	for _, args := range [][]string{
		{"validate", "--only", "bogus", filepath.Join(dir, "live")},
		{"validate", "--format", "xml", filepath.Join(dir, "live")},
		{"validate", "--fail-on", "never", filepath.Join(dir, "live")},
		{"validate", "--report", "sarif", filepath.Join(dir, "live")},
		{"validate", filepath.Join(dir, "nope")},
	} {
		if _, errOut, code := run(t, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
