package platform

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// commonVariables are the inputs live/root.hcl gives every unit.
var commonVariables = []string{"environment", "tier", "aws_region", "aws_account_id", "tags"}

// TestModuleConventions checks what the issue asks of every module: typed, described
// and (for the common inputs) validated variables, described outputs, versions.tf
// pinning the aws provider to ~> 6.0 and OpenTofu to >= 1.8, and a README.
func TestModuleConventions(t *testing.T) {
	mods := moduleCache{}
	for _, dir := range moduleDirs(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			m := mods.load(t, dir)
			for _, v := range m.Variables {
				if v.Description == "" {
					t.Errorf("%s: variable %q has no description", v.Range, v.Name)
				}
				if v.Type == cty.DynamicPseudoType {
					t.Errorf("%s: variable %q has no type", v.Range, v.Name)
				}
			}
			for _, c := range commonVariables {
				v, ok := m.Variables[c]
				if !ok {
					t.Errorf("module %s does not declare the common variable %q root.hcl passes", name, c)
					continue
				}
				if c != "tags" && len(v.Validations) == 0 {
					t.Errorf("%s: common variable %q has no validation", v.Range, c)
				}
			}
			if len(m.Outputs) == 0 {
				t.Errorf("module %s has no outputs", name)
			}
			for _, o := range m.Outputs {
				if o.Description == "" {
					t.Errorf("%s: output %q has no description", o.Range, o.Name)
				}
			}
			if len(m.Resources) == 0 {
				t.Errorf("module %s declares no resources", name)
			}
			checkVersions(t, filepath.Join(dir, "versions.tf"))
			readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
			if err != nil {
				t.Errorf("module %s has no README.md", name)
			} else {
				// Every variable and output is documented in the README.
				for n := range m.Variables {
					if !strings.Contains(string(readme), "`"+n+"`") {
						t.Errorf("%s/README.md does not document variable `%s`", name, n)
					}
				}
				for n := range m.Outputs {
					if !strings.Contains(string(readme), "`"+n+"`") {
						t.Errorf("%s/README.md does not document output `%s`", name, n)
					}
				}
			}
		})
	}
}

func checkVersions(t *testing.T, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("versions.tf missing: %v", err)
		return
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Errorf("%v", diags)
		return
	}
	var required, aws string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "terraform" {
			continue
		}
		if a, ok := b.Body.Attributes["required_version"]; ok {
			v, _ := a.Expr.Value(nil)
			required = str(v)
		}
		for _, rp := range b.Body.Blocks {
			if rp.Type != "required_providers" {
				continue
			}
			if a, ok := rp.Body.Attributes["aws"]; ok {
				v, _ := a.Expr.Value(nil)
				if str(attr(v, "source")) != "hashicorp/aws" {
					t.Errorf("%s: aws provider source is %q, want hashicorp/aws", path, str(attr(v, "source")))
				}
				aws = str(attr(v, "version"))
			}
		}
	}
	if required != ">= 1.8" {
		t.Errorf("%s: required_version = %q, want \">= 1.8\"", path, required)
	}
	if aws != "~> 6.0" {
		t.Errorf("%s: aws provider version = %q, want \"~> 6.0\"", path, aws)
	}
}

// TestSuppressionsCarryReasons: every inline trivy suppression in a module says why.
func TestSuppressionsCarryReasons(t *testing.T) {
	re := regexp.MustCompile(`#\s*trivy:ignore:(AVD-[A-Z]+-[0-9]+)(.*)$`)
	for _, dir := range moduleDirs(t) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		for _, f := range files {
			src, _ := os.ReadFile(f)
			for i, line := range strings.Split(string(src), "\n") {
				m := re.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				if len(strings.Fields(m[2])) < 3 {
					t.Errorf("%s:%d: suppression of %s gives no reason", f, i+1, m[1])
				}
			}
		}
	}
}
