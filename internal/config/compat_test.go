package config_test

import (
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// A dependency without mock_outputs renders as `terragrunt render` renders it: the
// reference is "" in inputs, the unit renders and the failure is a warning; plan and
// apply (and an evaluation without Render) still fail on it.
func TestRenderDependencyWithoutMocks(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dep/terragrunt.hcl": `inputs = { x = 1 }`,
		"app/terragrunt.hcl": `
dependency "dep" {
  config_path = "../dep"
}
iam_role = dependency.dep.outputs.role
inputs = {
  name  = dependency.dep.outputs.name
  list  = [dependency.dep.outputs.a, "b"]
  fixed = "yes"
}
`,
	})
	u := mustUnit(t, config.Options{Render: true}, root, "app")
	wantJSON(t, u, "inputs", `{"name": "", "list": ["", "b"], "fixed": "yes"}`)
	wantJSON(t, u, "iam_role", `""`)
	if len(u.Warnings) == 0 || !strings.Contains(config.FormatDiagnostic(u.Warnings[0]), "app/terragrunt.hcl:") {
		t.Errorf("warnings %v, want the unsupported attribute with file:line", u.Warnings)
	}
	for _, opts := range []config.Options{{}, {Command: "plan"}, {Command: "apply", Render: false}} {
		_, err := evalUnit(t, opts, root, "app")
		wantErr(t, err, "Dependency has no outputs", "app/terragrunt.hcl:3")
	}
}

// Only unsupported attributes are tolerated: another error still fails a render.
func TestRenderKeepsOtherErrors(t *testing.T) {
	root := writeTree(t, map[string]string{
		"app/terragrunt.hcl": `inputs = { a = upper(1, 2) }`,
	})
	_, err := evalUnit(t, config.Options{Render: true}, root, "app")
	wantErr(t, err, "app/terragrunt.hcl:1")
}

// The mocks of a dependency whose mock_outputs_allowed_terraform_commands leave out
// the command are still used at render, as Terragrunt does.
func TestRenderUsesRestrictedMocks(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dep/terragrunt.hcl": ``,
		"app/terragrunt.hcl": `
dependency "dep" {
  config_path = "../dep"
  mock_outputs = { name = "mock" }
  mock_outputs_allowed_terraform_commands = ["validate"]
}
inputs = { name = dependency.dep.outputs.name }
`,
	})
	u := mustUnit(t, config.Options{Render: true}, root, "app")
	wantJSON(t, u, "inputs", `{"name": "mock"}`)
	_, err := evalUnit(t, config.Options{Command: "apply"}, root, "app")
	wantErr(t, err, "not allowed")
}

func TestGenerateAttributeAndChecks(t *testing.T) {
	root := writeTree(t, map[string]string{
		"attr/terragrunt.hcl": `
generate = {
  provider = { path = "provider.tf", if_exists = "overwrite", contents = "x", hcl_fmt = false }
}
generate "other" {
  path      = "other.tf"
  if_exists = "skip"
  contents  = "y"
}
`,
		"dup/terragrunt.hcl": `
generate "a" {
  path      = "a.tf"
  if_exists = "skip"
  contents  = ""
}
generate "a" {
  path      = "b.tf"
  if_exists = "skip"
  contents  = ""
}
`,
		"mutable/terragrunt.hcl": `
generate "a" {
  path      = "a.tf"
  if_exists = "skip"
  contents  = ""
  mutable   = true
}
`,
		"disabled/terragrunt.hcl": `
generate "a" {
  path        = "a.tf"
  if_exists   = "skip"
  if_disabled = "sometimes"
  contents    = ""
}
`,
	})
	u := mustUnit(t, config.Options{}, root, "attr")
	wantJSON(t, u, "generate", `{
	  "provider": {"path": "provider.tf", "if_exists": "overwrite", "if_disabled": "skip", "comment_prefix": "# ",
	    "contents": "x", "disable_signature": false, "disable": false, "hcl_fmt": false, "mutable": null},
	  "other": {"path": "other.tf", "if_exists": "skip", "if_disabled": "skip", "comment_prefix": "# ",
	    "contents": "y", "disable_signature": false, "disable": false, "hcl_fmt": null, "mutable": null}}`)
	_, err := evalUnit(t, config.Options{}, root, "dup")
	wantErr(t, err, "Duplicate generate block", `"a"`, "dup/terragrunt.hcl:7")
	_, err = evalUnit(t, config.Options{}, root, "mutable")
	wantErr(t, err, "mutable-generate", "mutable/terragrunt.hcl:6")
	_, err = evalUnit(t, config.Options{}, root, "disabled")
	wantErr(t, err, "if_disabled", "disabled/terragrunt.hcl:5")
}
