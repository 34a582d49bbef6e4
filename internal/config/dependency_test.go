package config_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/zclconf/go-cty/cty"
)

func TestDependencies(t *testing.T) {
	files := map[string]string{
		"vpc/terragrunt.hcl": `inputs = {}`,
		"db/terragrunt.hcl":  `inputs = {}`,
		"app/terragrunt.hcl": `
dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id  = "vpc-mock"
    subnets = ["s-mock"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
  mock_outputs_merge_strategy_with_state  = "shallow"
}
dependency "db" {
  config_path = "../db"
  enabled     = false
}
dependency "skipped" {
  config_path  = "../vpc"
  skip_outputs = true
}
dependencies {
  paths = ["../db"]
}
inputs = {
  vpc_id  = dependency.vpc.outputs.vpc_id
  subnets = dependency.vpc.outputs.subnets
}
`,
		"nomock/terragrunt.hcl": `
dependency "vpc" {
  config_path = "../vpc"
}
inputs = { x = dependency.vpc.outputs.vpc_id }
`,
		"badpath/terragrunt.hcl": `
dependency "vpc" {
  config_path = "../does-not-exist"
}
`,
	}
	root := writeTree(t, files)
	vpc := filepath.Join(root, "vpc")

	// Rendering: mocks.
	u := mustUnit(t, config.Options{}, root, "app")
	wantJSON(t, u, "inputs", `{"vpc_id": "vpc-mock", "subnets": ["s-mock"]}`)
	if got := u.DependencyDirs(); !reflect.DeepEqual(got, []string{vpc, filepath.Join(root, "db")}) {
		t.Errorf("DependencyDirs = %v (a disabled dependency block is no edge; dependencies.paths is)", got)
	}
	if !reflect.DeepEqual(u.MockedDependencies(), []string{"vpc"}) {
		t.Errorf("MockedDependencies = %v", u.MockedDependencies())
	}

	// Real outputs, merged shallowly with the mocks: real values win, missing keys mocked.
	real := func(dir string) (cty.Value, bool) {
		if dir == vpc {
			return cty.ObjectVal(map[string]cty.Value{"vpc_id": cty.StringVal("vpc-123")}), true
		}
		return cty.NilVal, false
	}
	u = mustUnit(t, config.Options{Outputs: real, Command: "plan"}, root, "app")
	wantJSON(t, u, "inputs", `{"vpc_id": "vpc-123", "subnets": ["s-mock"]}`)

	// apply is not in the allowed commands and there are no real outputs.
	_, err := evalUnit(t, config.Options{Command: "apply", Outputs: func(string) (cty.Value, bool) { return cty.NilVal, false }}, root, "app")
	wantErr(t, err, `dependency "vpc"`, "not allowed for \"apply\"")

	_, err = evalUnit(t, config.Options{}, root, "nomock")
	wantErr(t, err, `dependency "vpc"`, "mock_outputs are not set")

	_, err = evalUnit(t, config.Options{}, root, "badpath")
	wantErr(t, err, "badpath/terragrunt.hcl:3:", "../does-not-exist", "has no terragrunt.hcl")
}

func TestDependencyDeclaredInInclude(t *testing.T) {
	root := writeTree(t, map[string]string{
		"_envcommon/app.hcl": `
dependency "vpc" {
  config_path  = "${get_terragrunt_dir()}/../vpc"
  mock_outputs = { vpc_id = "vpc-mock" }
}
inputs = { vpc_id = dependency.vpc.outputs.vpc_id }
`,
		"vpc/terragrunt.hcl": `inputs = {}`,
		"app/terragrunt.hcl": `
include "common" {
  path = "../_envcommon/app.hcl"
}
inputs = { also = dependency.vpc.outputs.vpc_id }
`,
	})
	u := mustUnit(t, config.Options{}, root, "app")
	wantJSON(t, u, "inputs", `{"vpc_id": "vpc-mock", "also": "vpc-mock"}`)
	if len(u.DependencyDirs()) != 1 || u.DependencyDirs()[0] != filepath.Join(root, "vpc") {
		t.Errorf("DependencyDirs = %v", u.DependencyDirs())
	}
}

// TestMockMergeWithUnknownOutputs is the regression test for the panic in
// shallowMergeMock: with mock_outputs_merge_strategy_with_state = "shallow" (or
// deep_map_only), a dependency whose outputs are not known (plan of a tree whose
// dependencies are not applied: cty.DynamicVal) or only partly known must evaluate,
// with the state's outputs winning as Terragrunt merges them.
func TestMockMergeWithUnknownOutputs(t *testing.T) {
	dep := func(strategy string) string {
		return `
dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id  = "vpc-mock"
    subnets = ["s-mock"]
    tags    = { a = "mock", b = "mock" }
  }
  mock_outputs_merge_strategy_with_state = "` + strategy + `"
}
inputs = {
  vpc_id  = dependency.vpc.outputs.vpc_id
  subnets = dependency.vpc.outputs.subnets
  tags    = dependency.vpc.outputs.tags
}
`
	}
	root := writeTree(t, map[string]string{
		"vpc/terragrunt.hcl":     `inputs = {}`,
		"shallow/terragrunt.hcl": dep("shallow"),
		"deep/terragrunt.hcl":    dep("deep_map_only"),
	})
	vpc := filepath.Join(root, "vpc")
	outputs := func(v cty.Value) func(string) (cty.Value, bool) {
		return func(dir string) (cty.Value, bool) { return v, dir == vpc }
	}
	inputs := func(u *config.Unit) map[string]cty.Value { return u.Config.Inputs.AsValueMap() }

	for _, name := range []string{"shallow", "deep"} {
		// Wholly unknown outputs: every input that reads them is unknown, none is mocked.
		u := mustUnit(t, config.Options{Outputs: outputs(cty.DynamicVal), Command: "plan"}, root, name)
		for k, v := range inputs(u) {
			if v.IsKnown() {
				t.Errorf("%s: input %s = %#v, want unknown (the state's outputs are not known)", name, k, v)
			}
		}
		if got := u.MockedDependencies(); len(got) != 0 {
			t.Errorf("%s: MockedDependencies = %v with unknown state outputs", name, got)
		}
	}

	// An unknown object whose type is known: its names win, the others are mocked.
	typed := cty.UnknownVal(cty.Object(map[string]cty.Type{"vpc_id": cty.String}))
	u := mustUnit(t, config.Options{Outputs: outputs(typed), Command: "plan"}, root, "shallow")
	in := inputs(u)
	if in["vpc_id"].IsKnown() || !in["subnets"].IsKnown() || in["subnets"].LengthInt() != 1 {
		t.Errorf("shallow over a typed unknown: inputs = %#v", in)
	}
	if got := u.MockedDependencies(); !reflect.DeepEqual(got, []string{"vpc"}) {
		t.Errorf("MockedDependencies = %v, want [vpc]", got)
	}

	// Known names with unknown values (an output computed at apply): shallow keeps the
	// state's whole value per name; deep_map_only merges maps key by key.
	partial := cty.ObjectVal(map[string]cty.Value{
		"vpc_id": cty.UnknownVal(cty.String),
		"tags":   cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("real"), "c": cty.UnknownVal(cty.String)}),
	})
	u = mustUnit(t, config.Options{Outputs: outputs(partial), Command: "plan"}, root, "shallow")
	in = inputs(u)
	if in["vpc_id"].IsKnown() || in["subnets"].Index(cty.NumberIntVal(0)).AsString() != "s-mock" {
		t.Errorf("shallow, partly known: inputs = %#v", in)
	}
	if tags := in["tags"].AsValueMap(); tags["a"].AsString() != "real" || tags["b"] != cty.NilVal {
		t.Errorf("shallow keeps the state's tags whole: %#v", in["tags"])
	}
	u = mustUnit(t, config.Options{Outputs: outputs(partial), Command: "plan"}, root, "deep")
	tags := inputs(u)["tags"].AsValueMap()
	if tags["a"].AsString() != "real" || tags["b"].AsString() != "mock" || tags["c"].IsKnown() {
		t.Errorf("deep_map_only merges the state's tags into the mock's: %#v", tags)
	}
}

// TestDependencyOutsideTreeIsAnError: for a command on a tree (Options.TreeRoot, as
// plan and apply set it), a dependency outside the tree or whose configuration does
// not parse is an error at the dependency block, never replaced by mock_outputs.
func TestDependencyOutsideTreeIsAnError(t *testing.T) {
	root := writeTree(t, map[string]string{
		"shared/iam/terragrunt.hcl": `inputs = {}`,
		"live/vpc/terragrunt.hcl":   `inputs = {`,
		"live/ok/terragrunt.hcl":    `inputs = {}`,
		"live/app/terragrunt.hcl": `
dependency "iam" {
  config_path  = "../../shared/iam"
  mock_outputs = { user = "MOCKUSER" }
}
inputs = { user = dependency.iam.outputs.user }
`,
		"live/broken/terragrunt.hcl": `
dependency "vpc" {
  config_path  = "../vpc"
  mock_outputs = { id = "vpc-mock" }
}
dependency "ok" {
  config_path  = "../ok"
  mock_outputs = { id = "ok-mock" }
}
`,
	})
	live := filepath.Join(root, "live")
	none := func(string) (cty.Value, bool) { return cty.NilVal, false }

	// Rendering (no TreeRoot): mocks, as Terragrunt renders.
	u := mustUnit(t, config.Options{}, live, "app")
	wantJSON(t, u, "inputs", `{"user": "MOCKUSER"}`)

	strict := config.Options{TreeRoot: live, Outputs: none, Command: "plan"}
	_, err := evalUnit(t, strict, live, "app")
	wantErr(t, err, "app/terragrunt.hcl:3:", "Dependency outside the tree", `dependency "iam"`, "--root")
	_, err = evalUnit(t, strict, live, "broken")
	wantErr(t, err, "broken/terragrunt.hcl:3:", "Dependency does not evaluate", `dependency "vpc"`, "vpc/terragrunt.hcl:1:")
	if strings.Contains(err.Error(), `dependency "ok"`) {
		t.Errorf("a dependency that parses is no error: %v", err)
	}
	// With the root above both, the same unit plans with the mocks plan allows.
	u = mustUnit(t, config.Options{TreeRoot: root, Outputs: none, Command: "plan"}, live, "app")
	wantJSON(t, u, "inputs", `{"user": "MOCKUSER"}`)
}
