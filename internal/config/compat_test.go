package config_test

import (
	"reflect"
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
inputs = {
  name  = dependency.dep.outputs.name
  list  = [dependency.dep.outputs.a, "b"]
  fixed = "yes"
}
`,
	})
	u := mustUnit(t, config.Options{Render: true}, root, "app")
	wantJSON(t, u, "inputs", `{"name": "", "list": ["", "b"], "fixed": "yes"}`)
	if len(u.Warnings) == 0 || !strings.Contains(config.FormatDiagnostic(u.Warnings[0]), "app/terragrunt.hcl:") {
		t.Errorf("warnings %v, want the unsupported attribute with file:line", u.Warnings)
	}
	for _, opts := range []config.Options{{}, {Command: "plan"}, {Command: "apply", Render: false}} {
		_, err := evalUnit(t, opts, root, "app")
		wantErr(t, err, "Dependency has no outputs", "app/terragrunt.hcl:3")
	}
}

// iam_role, iam_web_identity_token and prevent_destroy are read before dependencies
// (Terragrunt's early parse): referring to one is an error even with mock_outputs,
// and an unsupported attribute in them is not tolerated at render.
func TestEarlyAttributesAreStrict(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dep/terragrunt.hcl": ``,
		"app/terragrunt.hcl": `
dependency "dep" {
  config_path  = "../dep"
  mock_outputs = { role = "arn:aws:iam::1:role/x" }
}
iam_role = dependency.dep.outputs.role
`,
		"loc/terragrunt.hcl": `
prevent_destroy = local.missing
inputs = { a = local.missing }
`,
		"ok/terragrunt.hcl": `
inputs = { a = local.missing, b = "kept" }
`,
	})
	for _, opts := range []config.Options{{Render: true}, {Command: "plan"}} {
		_, err := evalUnit(t, opts, root, "app")
		wantErr(t, err, "app/terragrunt.hcl:6", "iam_role cannot refer to a dependency")
	}
	_, err := evalUnit(t, config.Options{Render: true}, root, "loc")
	wantErr(t, err, "loc/terragrunt.hcl:2", "Unsupported attribute")
	u := mustUnit(t, config.Options{Render: true}, root, "ok")
	wantJSON(t, u, "inputs", `{"a": "", "b": "kept"}`)
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

func TestFeatureFlags(t *testing.T) {
	root := writeTree(t, map[string]string{
		"root.hcl": `
feature "size" {
  default = 1
}
feature "tags" {
  default = { a = "1" }
}
locals {
  parent_size = feature.size.value
}
inputs = { parent_size = local.parent_size }
`,
		"app/terragrunt.hcl": `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
feature "size" {
  default = 3
}
feature "tags" {
  default = { b = "2" }
}
locals {
  size = feature.size.value
}
inputs = {
  size = local.size
  name = feature.size.name
  tags = feature.tags.value
}
`,
		"deep/terragrunt.hcl": `
include "root" {
  path           = find_in_parent_folders("root.hcl")
  merge_strategy = "deep"
}
feature "tags" {
  default = { b = "2" }
}
inputs = { tags = feature.tags.value }
`,
		"deepnumber/terragrunt.hcl": `
include "root" {
  path           = find_in_parent_folders("root.hcl")
  merge_strategy = "deep"
}
feature "size" {
  default = 2
}
`,
		"nodefault/terragrunt.hcl": `
feature "x" {}
`,
	})
	u := mustUnit(t, config.Options{}, root, "app")
	// The included file sees its own flags; the unit sees the merged ones.
	// (What terragrunt render gives for this tree.)
	wantJSON(t, u, "inputs", `{"parent_size": 1, "size": 3, "name": "size", "tags": {"b": "2"}}`)
	wantJSON(t, u, "feature", `{"size": {"name": "size", "default": 3}, "tags": {"name": "tags", "default": {"b": "2"}}}`)
	u = mustUnit(t, config.Options{}, root, "deep")
	wantJSON(t, u, "inputs", `{"parent_size": 1, "tags": {"a": "1", "b": "2"}}`)
	_, err := evalUnit(t, config.Options{}, root, "deepnumber")
	wantErr(t, err, "needs both defaults to be maps", "deepnumber/terragrunt.hcl:2")
	_, err = evalUnit(t, config.Options{}, root, "nodefault")
	wantErr(t, err, "no default", "nodefault/terragrunt.hcl:2")
}

// Under a shallow merge Terragrunt refuses a generate block that both the unit and
// an include define; a deep merge lets the unit's win.
func TestGenerateSameNameAcrossIncludes(t *testing.T) {
	gen := func(c string) string {
		return `
generate "backend" {
  path      = "backend.tf"
  if_exists = "overwrite"
  contents  = "` + c + `"
}
`
	}
	root := writeTree(t, map[string]string{
		"root.hcl": gen("parent"),
		"shallow/terragrunt.hcl": `include "root" {
  path = find_in_parent_folders("root.hcl")
}
` + gen("child"),
		"deep/terragrunt.hcl": `include "root" {
  path           = find_in_parent_folders("root.hcl")
  merge_strategy = "deep"
}
` + gen("child"),
	})
	_, err := evalUnit(t, config.Options{}, root, "shallow")
	wantErr(t, err, "Duplicate generate block", `"backend"`, "shallow/terragrunt.hcl:1")
	u := mustUnit(t, config.Options{}, root, "deep")
	if g := rendered(t, u, "generate").(map[string]any)["backend"].(map[string]any)["contents"]; g != "child" {
		t.Errorf("deep merge: contents %v, want the unit's", g)
	}
}

func TestTerraformDownloadSettingsAndMissingSource(t *testing.T) {
	root := writeTree(t, map[string]string{
		"root.hcl": `
terraform {
  include_in_copy = ["a"]
}
`,
		"app/terragrunt.hcl": `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
terraform {
  source          = "../nowhere"
  mutable         = true
  include_in_copy = ["b"]
}
`,
	})
	u := mustUnit(t, config.Options{Render: true}, root, "app")
	tf := rendered(t, u, "terraform").(map[string]any)
	if tf["source"] != "../nowhere" || tf["mutable"] != nil {
		// mutable is the parent's (unset) after a shallow merge, as in Terragrunt.
		t.Errorf("terraform %v", tf)
	}
	if got := tf["include_in_copy"]; !reflect.DeepEqual(got, []any{"a"}) {
		t.Errorf("include_in_copy %v: a shallow merge keeps the parent's, as Terragrunt does", got)
	}
	if len(u.Warnings) != 1 || !strings.Contains(config.FormatDiagnostic(u.Warnings[0]), "nowhere") {
		t.Errorf("warnings %v, want the missing module source", u.Warnings)
	}
	_, err := evalUnit(t, config.Options{}, root, "app")
	wantErr(t, err, "nowhere")
}

// remote_state.config that refers to missing outputs renders "" where they are, as
// terragrunt render does.
func TestRenderRemoteStateWithoutOutputs(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dep/terragrunt.hcl": ``,
		"app/terragrunt.hcl": `
dependency "dep" {
  config_path = "../dep"
}
remote_state {
  backend = "local"
  config = {
    path = dependency.dep.outputs.path
    lock = true
  }
}
`,
	})
	u := mustUnit(t, config.Options{Render: true}, root, "app")
	rs := rendered(t, u, "remote_state").(map[string]any)
	if !reflect.DeepEqual(rs["config"], map[string]any{"path": "", "lock": true}) {
		t.Errorf("remote_state.config %v", rs["config"])
	}
}

// What Terragrunt refuses, olechka refuses: a module source that refers to a
// dependency, terraform.version without Terragrunt's experiment, dependencies paths
// that do not exist.
func TestTerragruntRejects(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dep/terragrunt.hcl": ``,
		"source/terragrunt.hcl": `
dependency "dep" {
  config_path  = "../dep"
  mock_outputs = { src = "./m" }
}
terraform {
  source = true ? "./m" : dependency.dep.outputs.src
}
`,
		"version/terragrunt.hcl": `
terraform {
  source  = "tfr://registry.opentofu.org/a/b/c"
  version = "~> 1.0"
}
`,
		"paths/terragrunt.hcl": `
dependencies {
  paths = ["../dep", "../gone"]
}
`,
		"env/terragrunt.hcl": `
inputs = { home = get_env("OLECHKA_TEST_NOT_SET") }
`,
	})
	for unit, want := range map[string][]string{
		"source":  {"refers to a dependency", "source/terragrunt.hcl:7"},
		"version": {"version-attribute", "version/terragrunt.hcl:4"},
		"paths":   {"do not exist", "gone", "paths/terragrunt.hcl:3"},
		"env":     {"OLECHKA_TEST_NOT_SET is not set", "env/terragrunt.hcl:2"},
	} {
		_, err := evalUnit(t, config.Options{Render: true}, root, unit)
		wantErr(t, err, want...)
	}
}
