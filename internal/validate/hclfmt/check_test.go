package hclfmt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const (
	clean = "locals {\n  a = 1\n}\n"
	messy = "locals {\n  a=1\n}\n"
)

func TestCheckTree(t *testing.T) {
	root := writeTree(t, map[string]string{
		"live/root.hcl":                              clean,
		"live/dev/vpc/terragrunt.hcl":                messy,
		"modules/vpc/main.tf":                        "variable \"x\" {\n  type = \"string\"\n}\n",
		"modules/vpc/ok.tf":                          clean,
		"modules/vpc/README.md":                      messy,
		"modules/vpc/broken.tf":                      "resource \"a\" \"b\" {\n  x = \n}\n",
		"live/dev/vpc/.terragrunt-cache/x/main.tf":   messy,
		"live/.hidden/terragrunt.hcl":                messy,
		".cache/bin/x.hcl":                           messy,
		"live/dev/vpc/terraform.tfvars.json":         "{}",
		"modules/vpc/node_modules/pkg/definitely.tf": messy,
		"internal/x/testdata/bad.tf":                 messy,
	})
	fs, err := Check(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		rel, _ := filepath.Rel(root, filepath.FromSlash(f.File))
		got = append(got, fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), f.Line, f.Rule))
		if f.Check != "fmt" || f.Level != "error" || f.Message == "" {
			t.Errorf("malformed finding %+v", f)
		}
	}
	want := []string{
		"live/dev/vpc/terragrunt.hcl:2 fmt/unformatted",
		"modules/vpc/broken.tf:2 fmt/syntax",
		"modules/vpc/main.tf:2 fmt/unformatted",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range fs {
		if f.Rule == RuleSyntax && f.Column == 0 {
			t.Errorf("syntax finding without a column: %+v", f)
		}
	}
}

func TestCheckSingleFile(t *testing.T) {
	root := writeTree(t, map[string]string{"a.hcl": messy})
	fs, err := Check(filepath.Join(root, "a.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Rule != RuleUnformatted {
		t.Errorf("got %v", fs)
	}
	if _, err := Check(filepath.Join(root, "missing")); err == nil {
		t.Error("a missing path must be an error")
	}
}
