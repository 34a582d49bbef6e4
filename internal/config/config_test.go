package config_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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
		"nullgen/terragrunt.hcl":     "remote_state {\n  backend = \"s3\"\n  generate = { path = null, if_exists = \"overwrite\" }\n}\n",
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
		"nullgen":     {"nullgen/terragrunt.hcl:3:", "Invalid remote_state.generate", "path and if_exists must both be set"},
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
