package config_test

import (
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

func TestIncludesMergeStrategies(t *testing.T) {
	root := writeTree(t, map[string]string{
		"parent.hcl": `
locals {
  tags = { team = "platform" }
}
terraform {
  source = "git::https://example.com/modules.git//vpc?ref=v1.0.0"
  extra_arguments "common" {
    commands  = ["plan", "apply"]
    arguments = ["-lock-timeout=5m"]
  }
  before_hook "fmt" {
    commands = ["plan"]
    execute  = ["tofu", "fmt"]
  }
}
inputs = {
  tags  = local.tags
  list  = ["a"]
  keep  = "parent"
  over  = "parent"
  nested = { a = 1, b = { c = 2 } }
}
iam_role        = "arn:aws:iam::111111111111:role/parent"
prevent_destroy = true
`,
		"shallow/terragrunt.hcl": `
include {
  path = "../parent.hcl"
}
terraform {
  extra_arguments "common" {
    commands  = ["plan"]
    arguments = ["-lock-timeout=10m"]
  }
  extra_arguments "child" {
    commands  = ["apply"]
    arguments = ["-parallelism=4"]
  }
}
inputs = {
  list   = ["b"]
  over   = "child"
  nested = { b = { d = 3 } }
}
`,
		"deep/terragrunt.hcl": `
include "parent" {
  path           = "../parent.hcl"
  merge_strategy = "deep"
}
inputs = {
  list   = ["b"]
  over   = "child"
  nested = { b = { d = 3 } }
}
`,
		"nomerge/terragrunt.hcl": `
include "parent" {
  path           = "../parent.hcl"
  merge_strategy = "no_merge"
  expose         = true
}
inputs = {
  team = include.parent.locals.tags.team
  from = include.parent.inputs.keep
}
`,
	})
	opts := config.Options{}
	shallow := mustUnit(t, opts, root, "shallow")
	wantJSON(t, shallow, "inputs", `{"tags": {"team": "platform"}, "list": ["b"], "keep": "parent", "over": "child", "nested": {"b": {"d": 3}}}`)
	tf := rendered(t, shallow, "terraform").(map[string]any)
	if tf["source"] != "git::https://example.com/modules.git//vpc?ref=v1.0.0" {
		t.Errorf("source = %v", tf["source"])
	}
	ea := tf["extra_arguments"].(map[string]any)
	if got := ea["common"].(map[string]any)["arguments"]; !reflect.DeepEqual(got, []any{"-lock-timeout=10m"}) {
		t.Errorf("extra_arguments.common not replaced by the child's: %v", got)
	}
	if _, ok := ea["child"]; !ok {
		t.Error("extra_arguments.child missing")
	}
	if _, ok := tf["before_hook"].(map[string]any)["fmt"]; !ok {
		t.Error("parent's before_hook lost")
	}
	if rendered(t, shallow, "iam_role") != "arn:aws:iam::111111111111:role/parent" || rendered(t, shallow, "prevent_destroy") != true {
		t.Error("parent's iam_role / prevent_destroy not inherited")
	}
	if src, ok := shallow.Config.Terraform.LocalSourceDir(); ok {
		t.Errorf("a git source is not local, got %q", src)
	}

	deep := mustUnit(t, opts, root, "deep")
	wantJSON(t, deep, "inputs", `{"tags": {"team": "platform"}, "list": ["a", "b"], "keep": "parent", "over": "child", "nested": {"a": 1, "b": {"c": 2, "d": 3}}}`)

	nomerge := mustUnit(t, opts, root, "nomerge")
	wantJSON(t, nomerge, "inputs", `{"team": "platform", "from": "parent"}`)
	if rendered(t, nomerge, "iam_role") != "" || rendered(t, nomerge, "terraform") != nil {
		t.Error("no_merge merged the parent's attributes")
	}
}

func TestSeveralIncludesAndPathFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"repo/.git/HEAD": "ref: refs/heads/main\n",
		"repo/live/root.hcl": `
inputs = {
  from_root_rel_to  = path_relative_to_include()
  from_root_rel_from = path_relative_from_include()
  root_tg_dir       = get_terragrunt_dir()
  root_parent_dir   = get_parent_terragrunt_dir()
}
`,
		"repo/live/_envcommon/app.hcl": `
inputs = {
  common_parent_dir = get_parent_terragrunt_dir()
  common_rel        = path_relative_to_include()
}
`,
		"repo/live/env/app/terragrunt.hcl": `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
include "common" {
  path = "${get_repo_root()}/live/_envcommon/app.hcl"
}
inputs = {
  rel_root        = path_relative_to_include("root")
  rel_common      = path_relative_to_include("common")
  from_root       = path_relative_from_include("root")
  parent_root     = get_parent_terragrunt_dir("root")
  parent_common   = get_parent_terragrunt_dir("common")
  repo_root       = get_repo_root()
  from_repo_root  = get_path_from_repo_root()
  to_repo_root    = get_path_to_repo_root()
  platform        = get_platform()
  need_vars       = get_terraform_commands_that_need_vars()
  need_locking    = get_terraform_commands_that_need_locking()
  need_input      = get_terraform_commands_that_need_input()
  need_parallel   = get_terraform_commands_that_need_parallelism()
  fallback        = find_in_parent_folders("nope.hcl", "fallback-value")
}
`,
	})
	repo := filepath.Join(root, "repo")
	u := mustUnit(t, config.Options{}, filepath.Join(repo, "live"), "env/app")
	unitDir := filepath.Join(repo, "live/env/app")
	wantJSON(t, u, "inputs", `{
		"from_root_rel_to": "env/app", "from_root_rel_from": "../..", "root_tg_dir": "`+unitDir+`",
		"root_parent_dir": "`+filepath.Join(repo, "live")+`",
		"common_parent_dir": "`+filepath.Join(repo, "live/_envcommon")+`", "common_rel": "../env/app",
		"rel_root": "env/app", "rel_common": "../env/app", "from_root": "../..",
		"parent_root": "`+filepath.Join(repo, "live")+`", "parent_common": "`+filepath.Join(repo, "live/_envcommon")+`",
		"repo_root": "`+repo+`", "from_repo_root": "live/env/app", "to_repo_root": "../../..",
		"platform": "`+runtime.GOOS+`",
		"need_vars": ["apply", "console", "destroy", "import", "plan", "push", "refresh"],
		"need_locking": ["apply", "destroy", "import", "init", "plan", "refresh", "taint", "untaint"],
		"need_input": ["apply", "import", "init", "plan", "refresh"],
		"need_parallel": ["apply", "plan", "destroy"],
		"fallback": "fallback-value"}`)
}

// TestDeepMergeChildNull: a child's `a = null` over a parent's map is null after a
// deep merge, as Terragrunt merges (issue 13, cause 10).
func TestDeepMergeChildNull(t *testing.T) {
	root := writeTree(t, map[string]string{
		"root.hcl": "inputs = {\n  a = { x = 1 }\n  b = { y = 2 }\n}\n",
		"u/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n  merge_strategy = \"deep\"\n}\n" +
			"inputs = {\n  a = null\n  b = { z = 3 }\n}\n",
	})
	wantJSON(t, mustUnit(t, config.Options{}, root, "u"), "inputs", `{"a": null, "b": {"y": 2, "z": 3}}`)
}
