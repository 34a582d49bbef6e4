package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFmtCheckDiffWrite(t *testing.T) {
	dir := tree(t, map[string]string{
		"live/dev/vpc/terragrunt.hcl":         "inputs = {\n  a=1\n}\n",
		"live/root.hcl":                       "locals {\n  x = 1\n}\n",
		"modules/vpc/main.tf":                 "output \"id\" {\n  value = \"${aws_vpc.this.id}\"\n}\n",
		"live/dev/vpc/.terragrunt-cache/a.tf": "a=1\n",
	})
	// --check --diff: lists and shows, changes nothing, exit 1
	out, errOut, code := run(t, "fmt", "--check", "--diff", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	vpc := filepath.ToSlash(filepath.Join(dir, "live/dev/vpc/terragrunt.hcl"))
	mod := filepath.ToSlash(filepath.Join(dir, "modules/vpc/main.tf"))
	for _, want := range []string{vpc + "\n", mod + "\n", "-  a=1\n+  a = 1\n", "-  value = \"${aws_vpc.this.id}\"\n+  value = aws_vpc.this.id\n", "+++ b/" + mod} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "root.hcl") || strings.Contains(out, ".terragrunt-cache") {
		t.Errorf("listed a formatted or cached file:\n%s", out)
	}
	if !strings.Contains(errOut, "2 file(s) need formatting") {
		t.Errorf("stderr: %s", errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "live/dev/vpc/terragrunt.hcl")); string(b) != "inputs = {\n  a=1\n}\n" {
		t.Errorf("--check wrote the file: %q", b)
	}
	// plain fmt writes, lists the changed files, exit 0; then --check is clean
	out, _, code = run(t, "fmt", dir)
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Fatalf("fmt: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "live/dev/vpc/terragrunt.hcl")); string(b) != "inputs = {\n  a = 1\n}\n" {
		t.Errorf("not written: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "live/dev/vpc/.terragrunt-cache/a.tf")); string(b) != "a=1\n" {
		t.Errorf(".terragrunt-cache touched: %q", b)
	}
	out, _, code = run(t, "fmt", "--check", dir)
	if code != 0 || out != "" {
		t.Errorf("after fmt, --check: exit %d\n%s", code, out)
	}
}

func TestFmtBrokenFile(t *testing.T) {
	dir := tree(t, map[string]string{
		"a.hcl": "locals {\n  x = [1,\n}\n",
		"b.hcl": "b=1\n",
	})
	out, errOut, code := run(t, "fmt", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := filepath.ToSlash(filepath.Join(dir, "a.hcl")) + ":3:1: error: "
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
	// the other file is still formatted
	if b, _ := os.ReadFile(filepath.Join(dir, "b.hcl")); string(b) != "b = 1\n" || !strings.Contains(out, "b.hcl") {
		t.Errorf("b.hcl: %q, out %q", b, out)
	}
}

func TestFmtSingleFileAndMissing(t *testing.T) {
	dir := tree(t, map[string]string{"x.tf": "a=1\n"})
	if _, _, code := run(t, "fmt", "--check", filepath.Join(dir, "x.tf")); code != 1 {
		t.Errorf("single unformatted file: exit %d", code)
	}
	if _, errOut, code := run(t, "fmt", filepath.Join(dir, "nope")); code != 2 || !strings.Contains(errOut, "nope") {
		t.Errorf("missing path: exit %d %s", code, errOut)
	}
}
