package config_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/graph"
)

// get_working_dir is Terragrunt's cache folder at render. The expected paths are
// what Terragrunt v1.1.3 printed for the same files at the same absolute folder
// (/tmp/wcfg-wd, served here from memory); with WorkRoot, olechka's own work folder.
func TestGetWorkingDir(t *testing.T) {
	const root = "/tmp/wcfg-wd"
	unit := func(src string) *fstest.MapFile {
		s := "inputs = { w = get_working_dir() }\n"
		if src != "" {
			s = "terraform {\n  source = \"" + src + "\"\n}\n" + s
		}
		return &fstest.MapFile{Data: []byte(s)}
	}
	fsys := config.FromFS(fstest.MapFS{
		"unit/terragrunt.hcl":   unit("../modules//a?ref=x"),
		"nosrc/terragrunt.hcl":  unit(""),
		"remote/terragrunt.hcl": unit("git::https://example.com/org/modules.git//vpc?ref=v1.2.3"),
		"s/terragrunt.hcl":      unit("github.com/gruntwork-io/terragrunt-infrastructure-modules-example//modules/mysql?ref=v0.8.0"),
	}, root)
	for dir, want := range map[string]string{
		"unit":   root + "/unit/.terragrunt-cache/4YcLFiG7GoSuce1kixX-ezZHJ0Q/YqDWD0K2Gs_8Mkj2mvDYRaIlfho/a",
		"nosrc":  root + "/nosrc/.terragrunt-cache/1FnoEuasPx_4vw0v4DCBlSu48U0/g2As1yA0WNn7UokzVYBRlRhQptY",
		"remote": root + "/remote/.terragrunt-cache/9sW7VO1cWsj9RZlQV88vNoDW8Zo/WwKl_Df9zTF4pJ7HHaTq2hTaiAY/vpc",
		"s":      root + "/s/.terragrunt-cache/GXZzd9WyVr-swNmm4X6UTCr7Z7A/n_bcCN9rgWq2UTMN4Wdt4h_PExo/modules/mysql",
	} {
		ev := config.NewEvaluator(config.Options{FS: fsys, Render: true})
		u, err := ev.Unit(context.Background(), root, filepath.Join(root, dir))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		wantJSON(t, u, "inputs", `{"w": "`+want+`"}`)
	}
	ev := config.NewEvaluator(config.Options{FS: fsys, WorkRoot: "/w/.olechka/work", Command: "plan"})
	u, err := ev.Unit(context.Background(), root, filepath.Join(root, "remote"))
	if err != nil {
		t.Fatal(err)
	}
	wantJSON(t, u, "inputs", `{"w": "/w/.olechka/work/remote/src/vpc"}`)
}

// A plan made in one work folder is applied from another (another runner, another
// --work-dir) and reviewed by an evaluator with no work folder: what get_working_dir
// answers differs, what the unit deploys does not, so the fingerprint is the same.
// Anything else that changes still changes it.
func TestFingerprintAbstractsWorkingDir(t *testing.T) {
	const root = "/tmp/fp-wd"
	files := func(extra string) config.FileSystem {
		return config.FromFS(fstest.MapFS{
			"app/terragrunt.hcl": &fstest.MapFile{Data: []byte(`terraform {
  source = "git::https://example.com/org/modules.git//vpc?ref=v1"
}
inputs = { w = get_working_dir(), plan = "${get_working_dir()}/tfplan"` + extra + ` }
`)},
		}, root)
	}
	fingerprint := func(fsys config.FileSystem, workRoot string) (string, string) {
		t.Helper()
		ev := config.NewEvaluator(config.Options{FS: fsys, RepoRoot: root, WorkRoot: workRoot, Command: "plan"})
		u, err := ev.Unit(context.Background(), root, filepath.Join(root, "app"))
		if err != nil {
			t.Fatal(err)
		}
		return u.Fingerprint, u.Config.Inputs.GetAttr("w").AsString()
	}
	base, wdA := fingerprint(files(""), "/runner-a/.olechka/work")
	if wdA != "/runner-a/.olechka/work/app/src/vpc" {
		t.Fatalf("get_working_dir = %q", wdA)
	}
	for _, workRoot := range []string{"/runner-b/work", ""} {
		if fp, wd := fingerprint(files(""), workRoot); fp != base {
			t.Errorf("work root %q (get_working_dir %s): fingerprint %s, want %s as with %s", workRoot, wd, fp, base, wdA)
		}
	}
	if fp, _ := fingerprint(files(`, x = "1"`), "/runner-a/.olechka/work"); fp == base {
		t.Error("a changed input left the fingerprint unchanged")
	}
}

// mark_glob_as_read marks the files a glob matches as read and returns them; a
// pattern reaching outside the repository is an error unless the boundary is moved.
func TestMarkGlobAsRead(t *testing.T) {
	root := writeTree(t, map[string]string{
		".git/HEAD": "ref: refs/heads/main\n",
		"app/terragrunt.hcl": `
locals {
  files = mark_glob_as_read("{*.yaml,**/*.yaml}")
  deep  = mark_glob_as_read("conf/**/*.yaml")
  none  = mark_glob_as_read("*.json")
}
inputs = { files = local.files, deep = local.deep, none = local.none }
`,
		"app/a.yaml":          "a: 1",
		"app/conf/b.yaml":     "b: 1",
		"app/conf/sub/c.yaml": "c: 1",
		"app/conf/d.txt":      "",
		"out/terragrunt.hcl":  `locals { x = mark_glob_as_read("../../*.yaml") }`,
	})
	u := mustUnit(t, config.Options{RepoRoot: root}, root, "app")
	a := filepath.Join(root, "app")
	wantJSON(t, u, "inputs", `{
  "files": ["`+a+`/a.yaml", "`+a+`/conf/b.yaml", "`+a+`/conf/sub/c.yaml"],
  "deep": ["`+a+`/conf/sub/c.yaml"],
  "none": []}`)
	read := map[string]bool{}
	for _, f := range u.Files {
		read[f] = true
	}
	for _, f := range []string{"a.yaml", "conf/b.yaml", "conf/sub/c.yaml"} {
		if !read[filepath.Join(a, f)] {
			t.Errorf("%s not among the files read %v", f, u.Files)
		}
	}
	if read[filepath.Join(a, "conf/d.txt")] {
		t.Errorf("conf/d.txt marked as read")
	}
	_, err := evalUnit(t, config.Options{RepoRoot: root}, root, "out")
	wantErr(t, err, "outside the boundary", "--terragrunt-boundary")
}

// get_env: a variable set to "" is set (its value ""), as in Terragrunt; only a
// variable missing from the environment takes the default or fails.
func TestGetEnvSetButEmpty(t *testing.T) {
	root := writeTree(t, map[string]string{
		"app/terragrunt.hcl": `inputs = { a = get_env("EMPTY"), b = get_env("EMPTY", "dflt"), c = get_env("UNSET", "dflt") }`,
		"bad/terragrunt.hcl": `inputs = { a = get_env("UNSET") }`,
	})
	env := func(k string) (string, bool) {
		if k == "EMPTY" {
			return "", true
		}
		return "", false
	}
	u := mustUnit(t, config.Options{Getenv: env}, root, "app")
	wantJSON(t, u, "inputs", `{"a": "", "b": "", "c": "dflt"}`)
	_, err := evalUnit(t, config.Options{Getenv: env}, root, "bad")
	wantErr(t, err, "UNSET is not set")
}

// The errors block renders as Terragrunt renders it, and merges by rule name under a
// deep merge; exclude renders no_run.
func TestErrorsAndExcludeRender(t *testing.T) {
	root := writeTree(t, map[string]string{
		"root.hcl": `
errors {
  retry "net" {
    retryable_errors   = [".*timeout.*"]
    max_attempts       = 3
    sleep_interval_sec = 5
  }
}
exclude {
  if      = false
  actions = ["plan"]
}
`,
		"app/terragrunt.hcl": `
include "root" {
  path           = find_in_parent_folders("root.hcl")
  merge_strategy = "deep"
}
errors {
  retry "net" {
    retryable_errors   = [".*reset.*"]
    max_attempts       = 5
    sleep_interval_sec = 0
  }
  ignore "known" {
    ignorable_errors = [".*known.*"]
    message          = "ignored"
    signals          = { safe = true, n = 1 }
  }
}
exclude {
  if      = true
  actions = []
  no_run  = true
}
`,
		"shallow/terragrunt.hcl": `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
errors {
  ignore "x" {
    ignorable_errors = ["x"]
  }
}
`,
	})
	u := mustUnit(t, config.Options{}, root, "app")
	wantJSON(t, u, "errors", `{
  "retry": [{"name": "net", "retryable_errors": [".*timeout.*", ".*reset.*"], "max_attempts": 5, "sleep_interval_sec": 5}],
  "ignore": [{"name": "known", "ignorable_errors": [".*known.*"], "message": "ignored", "signals": {"safe": "true", "n": "1"}}]}`)
	wantJSON(t, u, "exclude", `{"if": true, "actions": ["plan"], "exclude_dependencies": false, "no_run": true}`)
	u = mustUnit(t, config.Options{}, root, "shallow")
	wantJSON(t, u, "errors", `{"retry": null, "ignore": [{"name": "x", "ignorable_errors": ["x"], "message": "", "signals": {}}]}`)
	wantJSON(t, u, "exclude", `{"if": false, "actions": ["plan"], "exclude_dependencies": false, "no_run": null}`)
}

// A hook with an empty execute is refused, as in Terragrunt.
func TestHookEmptyExecute(t *testing.T) {
	for _, exec := range []string{`[]`, `["", "x"]`} {
		root := writeTree(t, map[string]string{
			"app/terragrunt.hcl": `
terraform {
  before_hook "h" {
    commands = ["plan"]
    execute  = ` + exec + `
  }
}
`,
		})
		_, err := evalUnit(t, config.Options{Render: true}, root, "app")
		wantErr(t, err, "app/terragrunt.hcl:5", `before_hook "h": execute needs at least one non-empty argument`)
	}
}

// mock_outputs_merge_strategy_with_state takes any string, as in Terragrunt; one it
// does not know fails only when mock outputs would merge with real outputs.
func TestMergeStrategyWithStateLegacy(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dep/terragrunt.hcl": ``,
		"app/terragrunt.hcl": `
dependency "dep" {
  config_path                            = "../dep"
  mock_outputs_merge_with_state          = "false"
  mock_outputs_merge_strategy_with_state = "true"
  mock_outputs                           = { a = "mock" }
}
inputs = { a = dependency.dep.outputs.a }
`,
	})
	u := mustUnit(t, config.Options{Render: true}, root, "app")
	wantJSON(t, u, "inputs", `{"a": "mock"}`)
	_, err := evalUnit(t, config.Options{Command: "plan", Outputs: realOutputs(map[string]string{"b": "real"})}, root, "app")
	wantErr(t, err, "app/terragrunt.hcl:5", `not "true"`)
}

// dependency.NAME.inputs is refused with Terragrunt's reason.
func TestDependencyInputsRefused(t *testing.T) {
	root := writeTree(t, map[string]string{
		"dep/terragrunt.hcl": `inputs = { a = 1 }`,
		"app/terragrunt.hcl": `
dependency "dep" {
  config_path  = "../dep"
  mock_outputs = { a = 1 }
}
inputs = { a = dependency.dep.inputs.a }
`,
	})
	for _, opts := range []config.Options{{Render: true}, {Command: "plan"}} {
		_, err := evalUnit(t, opts, root, "app")
		wantErr(t, err, "app/terragrunt.hcl:6", "Reading inputs from dependencies is no longer supported")
	}
}

// At render, get_terraform_command() is "render" and get_terraform_cli_args()
// ["render"], as `terragrunt render` reports; elsewhere the command being run.
func TestRenderCommand(t *testing.T) {
	root := writeTree(t, map[string]string{
		"app/terragrunt.hcl": `inputs = { c = get_terraform_command(), a = get_terraform_cli_args() }`,
	})
	wantJSON(t, mustUnit(t, config.Options{Render: true}, root, "app"), "inputs", `{"c": "render", "a": ["render"]}`)
	wantJSON(t, mustUnit(t, config.Options{Command: "plan"}, root, "app"), "inputs", `{"c": "plan", "a": []}`)
}

// A terraform.source that fails to evaluate at render is "" (an absent one null).
func TestRenderFailedSource(t *testing.T) {
	root := writeTree(t, map[string]string{
		"app/terragrunt.hcl": "terraform {\n  source = local.missing\n}\ninputs = { y = \"ok\" }\n",
	})
	u := mustUnit(t, config.Options{Render: true}, root, "app")
	if got := u.Render()["terraform"].(map[string]any)["source"]; got != "" {
		t.Errorf("source %#v, want \"\"", got)
	}
	wantJSON(t, u, "inputs", `{"y": "ok"}`)
}

// realOutputs answers every dependency with the same string outputs.
func realOutputs(out map[string]string) func(string) (cty.Value, bool) {
	m := map[string]cty.Value{}
	for k, v := range out {
		m[k] = cty.StringVal(v)
	}
	return func(string) (cty.Value, bool) { return cty.ObjectVal(m), true }
}

// uuidv5 is deterministic (values from Terragrunt v1.1.3); uuid is a fresh v4 UUID.
func TestUUIDFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"app/terragrunt.hcl": `inputs = {
  a = uuidv5("dns", "example.com")
  b = uuidv5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "x")
  c = length(uuid())
  d = substr(uuid(), 14, 1)
}`,
	})
	wantJSON(t, mustUnit(t, config.Options{}, root, "app"), "inputs",
		`{"a": "cfbff0d1-9375-5685-968c-48ce8b15ae17", "b": "4cd605e7-afa2-5360-b5b9-c5e9fb5c76f4", "c": 36, "d": "4"}`)
}

// A unit that does not evaluate keeps, at render and graph, the edges a partial parse
// finds (as Terragrunt's discovery does): dependency config_path and
// dependencies.paths of the unit and its includes that evaluate without locals;
// edges to folders that are not units are left out. Plan-style evaluation has none.
func TestBrokenUnitKeepsEdges(t *testing.T) {
	root := writeTree(t, map[string]string{
		"live/root.hcl":           `locals { x = 1 }`,
		"live/vpc/terragrunt.hcl": ``,
		"live/db/terragrunt.hcl":  ``,
		"live/app/terragrunt.hcl": `
include "root" {
  path = find_in_parent_folders("root.hcl")
}
locals {
  who = run_cmd("whoami")
}
dependency "vpc" {
  config_path = "../vpc"
}
dependency "gone" {
  config_path = "../gone"
  enabled     = false
}
dependencies {
  paths = ["${get_parent_terragrunt_dir()}/db", "../nowhere"]
}
`,
	})
	tree, err := config.NewEvaluator(config.Options{Render: true}).Tree(context.Background(), filepath.Join(root, "live"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Broken) != 1 || tree.Broken[0] != "app" {
		t.Fatalf("broken %v, want [app]", tree.Broken)
	}
	g := graph.FromTree(tree)
	if err := g.Validate(); err != nil {
		t.Fatalf("graph invalid: %v", err)
	}
	if got := g.Deps("app"); !reflect.DeepEqual(got, []string{"db", "vpc"}) && !reflect.DeepEqual(got, []string{"vpc", "db"}) {
		t.Errorf("app's edges %v, want vpc and db", got)
	}
	tree, err = config.NewEvaluator(config.Options{Command: "plan"}).Tree(context.Background(), filepath.Join(root, "live"))
	if err != nil {
		t.Fatal(err)
	}
	if deps := graph.FromTree(tree).Deps("app"); len(deps) != 0 {
		t.Errorf("plan: broken app has edges %v", deps)
	}
}
