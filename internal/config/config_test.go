package config_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// writeTree writes files (path -> content) under a new temporary folder.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	dir, _ = filepath.EvalSymlinks(dir)
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func evalUnit(t *testing.T, opts config.Options, root, unit string) (*config.Unit, error) {
	t.Helper()
	e := config.NewEvaluator(opts)
	return e.Unit(context.Background(), root, filepath.Join(root, unit))
}

func mustUnit(t *testing.T, opts config.Options, root, unit string) *config.Unit {
	t.Helper()
	u, err := evalUnit(t, opts, root, unit)
	if err != nil {
		t.Fatalf("evaluating %s: %v", unit, err)
	}
	return u
}

// rendered returns a rendered key as plain JSON values, for comparisons.
func rendered(t *testing.T, u *config.Unit, key string) any {
	t.Helper()
	b, err := json.Marshal(u.Render()[key])
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func asJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad expectation %s: %v", s, err)
	}
	return v
}

func wantJSON(t *testing.T, u *config.Unit, key, want string) {
	t.Helper()
	got := rendered(t, u, key)
	if !reflect.DeepEqual(got, asJSON(t, want)) {
		g, _ := json.Marshal(got)
		t.Errorf("%s:\n got  %s\n want %s", key, g, want)
	}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected an error containing %q, got none", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err.Error(), p)
		}
	}
}

// specTree is the spec's hierarchy: root.hcl, an env with account.hcl and env.hcl, a
// region with region.hcl, _envcommon files and units that include them.
var specTree = map[string]string{
	"live/root.hcl": `
locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl"))
  env     = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  region  = read_terragrunt_config(find_in_parent_folders("region.hcl"))
}
remote_state {
  backend = "s3"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    bucket         = "terraform-state-${local.account.locals.account_id}-${local.region.locals.aws_region}"
    key            = "${path_relative_to_include()}/tofu.tfstate"
    region         = local.region.locals.aws_region
    encrypt        = true
    dynamodb_table = "terraform-locks"
  }
}
generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<EOF
provider "aws" {
  region = "${local.region.locals.aws_region}"
}
EOF
}
inputs = {
  environment    = local.env.locals.environment
  tier           = local.env.locals.tier
  aws_region     = local.region.locals.aws_region
  aws_account_id = local.account.locals.account_id
}
`,
	"live/_envcommon/storage.hcl": `
locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
}
terraform {
  source = "${get_repo_root()}/modules//aurora"
}
inputs = {
  backup_retention_days = local.env.locals.backup_retention_days
  instance_count        = local.env.locals.tier == "production" ? 3 : 1
}
`,
	"live/production/account.hcl":             `locals { account_id = "333333333333" }`,
	"live/production/env.hcl":                 "locals {\n  environment = \"production\"\n  tier = \"production\"\n  backup_retention_days = 30\n}\n",
	"live/production/eu-central-1/region.hcl": `locals { aws_region = "eu-central-1" }`,
	"live/production/eu-central-1/vpc/terragrunt.hcl": `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
terraform {
  source = "../../../../modules/vpc"
}
inputs = {
  cidr = "10.30.0.0/16"
}
`,
	"live/production/eu-central-1/aurora/terragrunt.hcl": `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
include "envcommon" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/storage.hcl"
  expose = true
}
dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id     = "vpc-00000000"
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}
inputs = {
  vpc_id     = dependency.vpc.outputs.vpc_id
  subnet_ids = dependency.vpc.outputs.subnet_ids
  name       = "aurora-${include.envcommon.locals.env.locals.environment}"
}
`,
	"modules/vpc/main.tf":           "variable \"cidr\" {}\n",
	"modules/aurora/main.tf":        "variable \"vpc_id\" {}\nmodule \"params\" {\n  source = \"./params\"\n}\n",
	"modules/aurora/params/main.tf": "output \"family\" {\n  value = \"aurora-postgresql16\"\n}\n",
	"modules/unused/main.tf":        "# not read by any unit\n",
}

func TestSpecHierarchy(t *testing.T) {
	root := writeTree(t, specTree)
	opts := config.Options{RepoRoot: root}
	u := mustUnit(t, opts, filepath.Join(root, "live"), "production/eu-central-1/aurora")

	if u.Path != "production/eu-central-1/aurora" {
		t.Errorf("Path = %q", u.Path)
	}
	wantJSON(t, u, "inputs", `{
		"environment": "production", "tier": "production", "aws_region": "eu-central-1",
		"aws_account_id": "333333333333", "backup_retention_days": 30, "instance_count": 3,
		"vpc_id": "vpc-00000000", "subnet_ids": ["subnet-a", "subnet-b"], "name": "aurora-production"}`)
	wantJSON(t, u, "remote_state", `{
		"backend": "s3", "disable_init": false, "disable_dependency_optimization": false, "encryption": null,
		"generate": {"path": "backend.tf", "if_exists": "overwrite_terragrunt"},
		"config": {"bucket": "terraform-state-333333333333-eu-central-1",
			"key": "production/eu-central-1/aurora/tofu.tfstate", "region": "eu-central-1",
			"encrypt": true, "dynamodb_table": "terraform-locks"}}`)
	gen := rendered(t, u, "generate").(map[string]any)["provider"].(map[string]any)
	if gen["contents"] != "provider \"aws\" {\n  region = \"eu-central-1\"\n}\n" || gen["path"] != "provider.tf" {
		t.Errorf("generate.provider = %v", gen)
	}
	if got := rendered(t, u, "terraform").(map[string]any)["source"]; got != root+"/modules//aurora" {
		t.Errorf("terraform.source = %v", got)
	}
	if u.SourceDir != filepath.Join(root, "modules/aurora") {
		t.Errorf("SourceDir = %q", u.SourceDir)
	}
	if u.Env != "production" || u.Tier != "production" || u.Region != "eu-central-1" || u.AccountID != "333333333333" {
		t.Errorf("Env/Tier/Region/AccountID = %q/%q/%q/%q", u.Env, u.Tier, u.Region, u.AccountID)
	}
	if got := u.MockedDependencies(); !reflect.DeepEqual(got, []string{"vpc"}) {
		t.Errorf("MockedDependencies = %v", got)
	}
	if got := u.DependencyDirs(); !reflect.DeepEqual(got, []string{filepath.Join(root, "live/production/eu-central-1/vpc")}) {
		t.Errorf("DependencyDirs = %v", got)
	}
	// Every file read: the unit, both includes, the three files read by root.hcl and
	// _envcommon, and the module with the local module it calls. Not the unused module.
	var rels []string
	for _, f := range u.Files {
		rels = append(rels, strings.TrimPrefix(f, root+"/"))
	}
	want := []string{
		"live/_envcommon/storage.hcl",
		"live/production/account.hcl",
		"live/production/env.hcl",
		"live/production/eu-central-1/aurora/terragrunt.hcl",
		"live/production/eu-central-1/region.hcl",
		"live/root.hcl",
		"modules/aurora/main.tf",
		"modules/aurora/params/main.tf",
	}
	if !reflect.DeepEqual(rels, want) {
		t.Errorf("Files:\n got  %v\n want %v", rels, want)
	}
}

func TestTreeDiscoversUnitsAndSkipsIncludedFiles(t *testing.T) {
	files := map[string]string{
		"live/.terragrunt-cache/x/terragrunt.hcl":  `inputs = {}`,
		"live/.terraform/modules/x/terragrunt.hcl": `inputs = {}`,
		"live/.olechka/base/abc/x/terragrunt.hcl":  `inputs = {}`,
		"live/.hidden/terragrunt.hcl":              `inputs = {}`,
		"live/skipped/a/terragrunt.hcl":            `inputs = {}`,
		"live/skipped/b/c/terragrunt.hcl":          `inputs = {}`,
		"live/one/terragrunt.hcl":                  `inputs = {}`,
		"live/.terragrunt-excludes":                "# excluded\n\none\nskipped/**\n",
	}
	for k, v := range specTree {
		files[k] = v
	}
	root := writeTree(t, files)
	e := config.NewEvaluator(config.Options{RepoRoot: root})
	tree, err := e.Tree(context.Background(), filepath.Join(root, "live"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.Err(); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, u := range tree.Units {
		paths = append(paths, u.Path)
	}
	// As Terragrunt: hidden folders are searched, .terragrunt-cache and .terraform are
	// not (nor olechka's .olechka), .terragrunt-excludes leaves units out.
	if want := []string{".hidden", "production/eu-central-1/aurora", "production/eu-central-1/vpc"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("units = %v, want %v", paths, want)
	}
	if tree.Unit("production/eu-central-1/vpc") == nil || tree.Unit("nope") != nil {
		t.Error("Tree.Unit lookup is wrong")
	}
}

func TestFingerprint(t *testing.T) {
	a := writeTree(t, specTree)
	b := writeTree(t, specTree)
	fp := func(root string) string {
		return mustUnit(t, config.Options{RepoRoot: root}, filepath.Join(root, "live"), "production/eu-central-1/aurora").Fingerprint
	}
	if fp(a) != fp(b) {
		t.Error("the same tree at two paths has two fingerprints")
	}
	before := fp(a)
	// An unused local and a comment change nothing deployed.
	p := filepath.Join(a, "live/production/eu-central-1/aurora/terragrunt.hcl")
	src, _ := os.ReadFile(p)
	os.WriteFile(p, append(src, []byte("\n# a comment\nlocals {\n  unused = 1\n}\n")...), 0o644)
	if fp(a) != before {
		t.Error("an unused local changed the fingerprint")
	}
	// A module file changes it.
	os.WriteFile(filepath.Join(a, "modules/aurora/params/main.tf"), []byte("output \"family\" {\n  value = \"aurora-postgresql17\"\n}\n"), 0o644)
	if fp(a) == before {
		t.Error("a change in a called local module did not change the fingerprint")
	}
	// So does an input.
	c := writeTree(t, specTree)
	os.WriteFile(filepath.Join(c, "live/production/env.hcl"), []byte("locals {\n  environment = \"production\"\n  tier = \"production\"\n  backup_retention_days = 35\n}\n"), 0o644)
	if fp(c) == fp(b) {
		t.Error("an input change did not change the fingerprint")
	}
}

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

func TestFindInParentFoldersDefaultAndMissing(t *testing.T) {
	root := writeTree(t, map[string]string{
		"terragrunt.hcl":       `inputs = { root = true }`,
		"a/terragrunt.hcl":     "include {\n  path = find_in_parent_folders()\n}\n",
		"b/c/terragrunt.hcl":   "inputs = {\n  x = find_in_parent_folders(\"missing.hcl\")\n}\n",
		"b/terragrunt.hcl.txt": "",
	})
	u := mustUnit(t, config.Options{}, root, "a")
	wantJSON(t, u, "inputs", `{"root": true}`)
	_, err := evalUnit(t, config.Options{}, root, "b/c")
	wantErr(t, err, "b/c/terragrunt.hcl:2:", "could not find a missing.hcl in any of the parent folders")
}

func TestLocals(t *testing.T) {
	root := writeTree(t, map[string]string{
		"ok/terragrunt.hcl": `
locals {
  c = "${local.b}-c"
  a = "a"
  b = "${local.a}-b"
}
inputs = { c = local.c }
`,
		"cycle/terragrunt.hcl": `
locals {
  a = local.c
  b = local.a
  c = local.b
}
`,
		"unknown/terragrunt.hcl": `
locals {
  a = local.nope
}
`,
	})
	wantJSON(t, mustUnit(t, config.Options{}, root, "ok"), "inputs", `{"c": "a-b-c"}`)
	_, err := evalUnit(t, config.Options{}, root, "cycle")
	wantErr(t, err, "cycle/terragrunt.hcl:", "Cycle in locals", "local.a", "local.b", "local.c")
	_, err = evalUnit(t, config.Options{}, root, "unknown")
	wantErr(t, err, "unknown/terragrunt.hcl:3:", "local.nope")
}

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

func TestBlocksRendered(t *testing.T) {
	root := writeTree(t, map[string]string{
		"u/terragrunt.hcl": `
terraform {
  source = "../modules/x"
  after_hook "notify" {
    commands     = ["apply"]
    execute      = ["echo", "done"]
    run_on_error = true
  }
  error_hook "retry" {
    commands  = ["apply"]
    execute   = ["echo", "failed"]
    on_errors = [".*"]
  }
}
remote_state {
  backend      = "local"
  disable_init = true
  config = {
    path = "state.tfstate"
  }
}
generate "versions" {
  path              = "versions.tf"
  if_exists         = "overwrite"
  comment_prefix    = "// "
  disable_signature = true
  contents          = "terraform {}"
}
iam_role = "arn:aws:iam::123456789012:role/deploy"
skip     = false
exclude {
  if      = true
  actions = ["destroy"]
}
`,
		"modules/x/main.tf": "",
	})
	u := mustUnit(t, config.Options{}, root, "u")
	tf := rendered(t, u, "terraform").(map[string]any)
	ah := tf["after_hook"].(map[string]any)["notify"].(map[string]any)
	if !reflect.DeepEqual(ah["execute"], []any{"echo", "done"}) || ah["run_on_error"] != true {
		t.Errorf("after_hook = %v", ah)
	}
	if eh := tf["error_hook"].(map[string]any)["retry"].(map[string]any); !reflect.DeepEqual(eh["on_errors"], []any{".*"}) {
		t.Errorf("error_hook = %v", eh)
	}
	wantJSON(t, u, "remote_state", `{"backend": "local", "disable_init": true, "disable_dependency_optimization": false,
		"config": {"path": "state.tfstate"}, "generate": null, "encryption": null}`)
	wantJSON(t, u, "generate", `{"versions": {"path": "versions.tf", "if_exists": "overwrite", "if_disabled": "skip",
		"comment_prefix": "// ", "contents": "terraform {}", "disable_signature": true, "disable": false, "hcl_fmt": null, "mutable": null}}`)
	wantJSON(t, u, "exclude", `{"if": true, "actions": ["destroy"], "exclude_dependencies": false, "no_run": null}`)
	if rendered(t, u, "skip") != false {
		t.Error("skip not rendered")
	}
}

func TestFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"data/common.yaml": "owner: platform\nports: [80, 443]\n",
		"data/tmpl.txt":    "Hello ${name}, ${upper(team)}",
		"data/vars.tfvars": "size = 3\nname = \"x\"\n",
		"data/other.hcl":   "locals {\n  reader = get_original_terragrunt_dir()\n  mine = get_terragrunt_dir()\n}\n",
		"u/terragrunt.hcl": `
locals {
  yaml  = yamldecode(file("../data/common.yaml"))
  vars  = jsondecode(read_tfvars_file("../data/vars.tfvars"))
  other = read_terragrunt_config("../data/other.hcl")
  dflt  = read_terragrunt_config("../data/missing.hcl", { locals = { fallback = true } })
}
inputs = {
  owner       = local.yaml.owner
  ports       = local.yaml.ports
  size        = local.vars.size
  reader      = local.other.locals.reader
  mine        = local.other.locals.mine
  dflt        = local.dflt.locals.fallback
  marked      = mark_as_read("../data/marked.txt")
  tmpl        = templatefile("../data/tmpl.txt", { name = "ada", team = "infra" })
  subnet      = cidrsubnet("10.0.0.0/16", 8, 2)
  subnets     = cidrsubnets("10.0.0.0/16", 4, 4, 8)
  host        = cidrhost("10.0.0.0/24", 5)
  netmask     = cidrnetmask("10.0.0.0/16")
  tried       = try(local.yaml.nope, "default")
  can_ok      = can(local.yaml.owner)
  can_not     = can(local.yaml.nope)
  re          = replace("a-b-c", "/-/", "_")
  plain       = replace("a.b", ".", "-")
  len_str     = length("héllo")
  len_list    = length([1, 2, 3])
  json        = jsonencode({ a = 1 })
  yaml_out    = yamlencode({ a = "b" })
  b64         = base64encode("hi")
  sha         = sha256("x")
  merged      = merge({ a = 1 }, { b = 2 })
  flat        = flatten([[1], [2, 3]])
  env_set     = get_env("OLECHKA_TEST_SET")
  env_default = get_env("OLECHKA_TEST_UNSET", "dflt")
  account     = get_aws_account_id()
  num         = tonumber("42")
  str         = tostring(7)
  starts      = startswith("prod-eu", "prod")
  one         = one(["x"])
  sum         = sum([1, 2, 3])
  all         = alltrue([true, true])
  lookup      = lookup({ a = "b" }, "a", "z")
  fmt         = format("%s-%03d", "n", 7)
  join        = join(",", ["a", "b"])
  exists      = fileexists("../data/common.yaml")
  base        = basename("/a/b/c.txt")
}
`,
	})
	env := map[string]string{"OLECHKA_TEST_SET": "set", "OLECHKA_AWS_ACCOUNT_ID": "123456789012"}
	opts := config.Options{Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	u := mustUnit(t, opts, root, "u")
	unitDir := filepath.Join(root, "u")
	wantJSON(t, u, "inputs", `{
		"owner": "platform", "ports": [80, 443], "size": 3,
		"reader": "`+unitDir+`", "mine": "`+filepath.Join(root, "data")+`", "dflt": true,
		"marked": "../data/marked.txt", "tmpl": "Hello ada, INFRA",
		"subnet": "10.0.2.0/24", "subnets": ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"],
		"host": "10.0.0.5", "netmask": "255.255.0.0",
		"tried": "default", "can_ok": true, "can_not": false,
		"re": "a_b_c", "plain": "a-b", "len_str": 5, "len_list": 3,
		"json": "{\"a\":1}", "yaml_out": "\"a\": \"b\"\n", "b64": "aGk=",
		"sha": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
		"merged": {"a": 1, "b": 2}, "flat": [1, 2, 3],
		"env_set": "set", "env_default": "dflt", "account": "123456789012",
		"num": 42, "str": "7", "starts": true, "one": "x", "sum": 6, "all": true,
		"lookup": "b", "fmt": "n-007", "join": "a,b", "exists": true, "base": "c.txt"}`)
	var rels []string
	for _, f := range u.Files {
		rels = append(rels, strings.TrimPrefix(f, root+"/"))
	}
	for _, want := range []string{"data/common.yaml", "data/vars.tfvars", "data/other.hcl", "data/marked.txt", "data/tmpl.txt"} {
		found := false
		for _, r := range rels {
			found = found || r == want
		}
		if !found {
			t.Errorf("%s not recorded as read; read: %v", want, rels)
		}
	}
}

func TestOfflineAndDisabledFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"aws/terragrunt.hcl":     "inputs = {\n  a = get_aws_account_id()\n}\n",
		"arn/terragrunt.hcl":     "inputs = {\n  a = get_aws_caller_identity_arn()\n}\n",
		"cmd/terragrunt.hcl":     "inputs = {\n  a = run_cmd(\"echo\", \"hello\")\n}\n",
		"unknown/terragrunt.hcl": "inputs = {\n  a = no_such_function()\n}\n",
	})
	_, err := evalUnit(t, config.Options{}, root, "aws")
	wantErr(t, err, "aws/terragrunt.hcl:2:", "get_aws_account_id needs AWS credentials", "OLECHKA_AWS_ACCOUNT_ID")
	_, err = evalUnit(t, config.Options{}, root, "arn")
	wantErr(t, err, "OLECHKA_AWS_CALLER_ARN")
	_, err = evalUnit(t, config.Options{}, root, "cmd")
	wantErr(t, err, "cmd/terragrunt.hcl:2:", "run_cmd is disabled", "--allow-run-cmd")
	u := mustUnit(t, config.Options{AllowRunCmd: true}, root, "cmd")
	wantJSON(t, u, "inputs", `{"a": "hello"}`)
	_, err = evalUnit(t, config.Options{}, root, "unknown")
	wantErr(t, err, "unknown/terragrunt.hcl:2:", "no_such_function")
}

func TestBadInput(t *testing.T) {
	root := writeTree(t, map[string]string{
		"broken/terragrunt.hcl":      "inputs = {\n  a = \n",
		"missing/terragrunt.hcl":     "include {\n  path = \"../nope.hcl\"\n}\n",
		"nested/terragrunt.hcl":      "include {\n  path = \"../mid.hcl\"\n}\n",
		"mid.hcl":                    "include {\n  path = \"root.hcl\"\n}\n",
		"root.hcl":                   "inputs = {}\n",
		"selfinc/terragrunt.hcl":     "include {\n  path = \"terragrunt.hcl\"\n}\n",
		"readcycle/terragrunt.hcl":   "locals {\n  a = read_terragrunt_config(\"../r1.hcl\")\n}\n",
		"r1.hcl":                     "locals {\n  b = read_terragrunt_config(\"r2.hcl\")\n}\n",
		"r2.hcl":                     "locals {\n  c = read_terragrunt_config(\"r1.hcl\")\n}\n",
		"unsupported/terragrunt.hcl": "foo = 1\nbar {\n}\n",
		"badmerge/terragrunt.hcl":    "include {\n  path = \"../root.hcl\"\n  merge_strategy = \"wide\"\n}\n",
		"notobject/terragrunt.hcl":   "inputs = \"x\"\n",
		"good/terragrunt.hcl":        "inputs = { ok = true }\n",
	})
	cases := map[string][]string{
		"broken":      {"broken/terragrunt.hcl:2:7:", "Invalid expression"},
		"missing":     {"missing/terragrunt.hcl:1:1:", "nope.hcl"},
		"nested":      {"mid.hcl:1:1:", "Only one level of includes is allowed"},
		"selfinc":     {"selfinc/terragrunt.hcl:1:1:", "includes itself"},
		"readcycle":   {"readcycle/terragrunt.hcl:2:", "r1.hcl reads itself"},
		"unsupported": {"unsupported/terragrunt.hcl:1:1:", `"foo"`},
		"badmerge":    {"badmerge/terragrunt.hcl:3:", "merge_strategy must be no_merge, shallow or deep"},
		"notobject":   {"notobject/terragrunt.hcl:1:", "inputs must be an object"},
	}
	for unit, parts := range cases {
		t.Run(unit, func(t *testing.T) {
			_, err := evalUnit(t, config.Options{}, root, unit)
			wantErr(t, err, parts...)
		})
	}
	// One broken unit does not hide the others: the tree reports every failure and
	// still evaluates the good unit.
	tree, err := config.NewEvaluator(config.Options{}).Tree(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Errors) != len(cases) {
		t.Errorf("tree reported %d errors, want %d: %v", len(tree.Errors), len(cases), tree.Err())
	}
	if tree.Unit("good") == nil {
		t.Error("the good unit was not evaluated")
	}
}

func TestFromFSRendersLikeDisk(t *testing.T) {
	root := writeTree(t, specTree)
	disk := mustUnit(t, config.Options{RepoRoot: root}, filepath.Join(root, "live"), "production/eu-central-1/aurora")
	e := config.NewEvaluator(config.Options{RepoRoot: root, FS: config.FromFS(os.DirFS(root), root)})
	mem, err := e.Unit(context.Background(), filepath.Join(root, "live"), filepath.Join(root, "live/production/eu-central-1/aurora"))
	if err != nil {
		t.Fatal(err)
	}
	if disk.Fingerprint != mem.Fingerprint || !reflect.DeepEqual(disk.Files, mem.Files) {
		t.Error("the same tree read through FromFS renders differently")
	}
}

func TestFrozenClock(t *testing.T) {
	root := writeTree(t, map[string]string{"u/terragrunt.hcl": "inputs = {\n  at = timestamp()\n}\n"})
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	u := mustUnit(t, config.Options{Now: func() time.Time { return at }}, root, "u")
	wantJSON(t, u, "inputs", `{"at": "2026-11-25T12:00:00Z"}`)
}

func TestLookupAsOpenTofu(t *testing.T) {
	root := writeTree(t, map[string]string{"u/terragrunt.hcl": `
locals {
  m = { a = "x", n = 1 }
}
inputs = {
  found    = lookup(local.m, "a", "d")
  fallback = lookup(local.m, "zz", 42)
  null_def = lookup(local.m, "zz", null) == null
  mapped   = lookup(tomap({ k = "v" }), "k")
}
`, "bad/terragrunt.hcl": "inputs = {\n  x = lookup({ a = 1 }, \"b\")\n}\n"})
	u := mustUnit(t, config.Options{}, root, "u")
	wantJSON(t, u, "inputs", `{"found": "x", "fallback": 42, "null_def": true, "mapped": "v"}`)
	_, err := evalUnit(t, config.Options{}, root, "bad")
	wantErr(t, err, "bad/terragrunt.hcl:2:", `lookup failed to find key "b"`)
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

// TestDeepNestingIsAnError: a unit file (or a file it reads) of 200,000 nested "["
// is an error naming file:line, not a fatal stack overflow of the whole process.
func TestDeepNestingIsAnError(t *testing.T) {
	deep := strings.Repeat("[", 200_000)
	root := writeTree(t, map[string]string{
		"unit/terragrunt.hcl":   "locals {\n  a = 1\n  x = " + deep + "\n}\n",
		"reads/terragrunt.hcl":  "locals {\n  c = read_terragrunt_config(\"common.hcl\")\n}\n",
		"reads/common.hcl":      "inputs = {\n  x = " + deep + "\n}\n",
		"tfvars/terragrunt.hcl": "inputs = read_tfvars_file(\"x.tfvars\")\n",
		"tfvars/x.tfvars":       "\nx = " + deep + "\n",
		"tmpl/terragrunt.hcl":   "inputs = { x = templatefile(\"t.tpl\", {}) }\n",
		"tmpl/t.tpl":            "\n" + strings.Repeat("${", 200_000),
	})
	for unit, want := range map[string]string{
		"unit":   "unit/terragrunt.hcl:3:",
		"reads":  "reads/common.hcl:2:",
		"tfvars": "x.tfvars:2:",
		"tmpl":   "t.tpl:2:",
	} {
		_, err := evalUnit(t, config.Options{}, root, unit)
		wantErr(t, err, want, "Nesting too deep")
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

// TestCompatFunctions: functions Terragrunt has that olechka lacked (issue 13, cause
// 8) and get_terraform_cli_args, which panicked on its empty list (cause 11).
func TestCompatFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"u/terragrunt.hcl": `
inputs = {
  idx     = index(["a", "b", "c"], "b")
  before  = timecmp("2024-01-01T00:00:00Z", "2024-06-01T00:00:00+02:00")
  same    = timecmp("2024-01-01T02:00:00+02:00", "2024-01-01T00:00:00Z")
  secret  = sensitive("s3cret")
  plain   = nonsensitive("x")
  retry   = length(get_default_retryable_errors()) > 20
  cliargs = get_terraform_cli_args()
}
`,
		"missing/terragrunt.hcl": `inputs = { i = index(["a"], "z") }`,
		"badtime/terragrunt.hcl": `inputs = { i = timecmp("yesterday", "2024-01-01T00:00:00Z") }`,
	})
	u := mustUnit(t, config.Options{}, root, "u")
	wantJSON(t, u, "inputs", `{"idx": 1, "before": -1, "same": 0, "secret": "s3cret", "plain": "x", "retry": true, "cliargs": []}`)
	_, err := evalUnit(t, config.Options{}, root, "missing")
	wantErr(t, err, "missing/terragrunt.hcl:1:", "item not found")
	_, err = evalUnit(t, config.Options{}, root, "badtime")
	wantErr(t, err, "badtime/terragrunt.hcl:1:", "RFC 3339")
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
