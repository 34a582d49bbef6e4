package config_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// FuzzUnit evaluates arbitrary unit and include files: the evaluator must return a
// unit or an error, never panic or hang.
func FuzzUnit(f *testing.F) {
	for _, s := range []struct{ unit, parent string }{
		{`include "root" { path = find_in_parent_folders("root.hcl") }` + "\n" + `inputs = { a = local.x }` + "\n" + `locals { x = 1 }`, `inputs = { b = 2 }`},
		{"locals {\n  a = local.b\n  b = local.a\n}\n", ""},
		{"dependency \"d\" {\n  config_path = \"../d\"\n  mock_outputs = { x = 1 }\n}\ninputs = { x = dependency.d.outputs.x }\n", ""},
		{"include {\n  path = \"../root.hcl\"\n  expose = true\n  merge_strategy = \"deep\"\n}\ninputs = { y = include.locals }\n", "locals {\n  z = [1, 2]\n}\ninputs = { l = [1] }\n"},
		{"terraform {\n  source = \"../m\"\n  before_hook \"h\" {\n    commands = [\"plan\"]\n    execute = [\"x\"]\n  }\n}\n", "include { path = \"x\" }"},
		{"inputs = { c = cidrsubnets(\"10.0.0.0/8\", 4, 300) }", ""},
		{"inputs = { t = templatefile(\"../root.hcl\", {}) }", "${"},
		{"remote_state {\n backend = \"s3\"\n generate = { path = 1 }\n}\n", ""},
		{"locals { r = read_terragrunt_config(\"../root.hcl\") }", "locals { r = read_terragrunt_config(\"u/terragrunt.hcl\") }"},
		{"include { path = \"../root.hcl\"\n merge_strategy = \"deep\" }\nerrors {\n retry \"a\" {\n retryable_errors = [\"x\"]\n max_attempts = 2\n sleep_interval_sec = 1\n }\n ignore \"b\" {\n ignorable_errors = []\n signals = { s = true }\n }\n}\n",
			"errors {\n retry \"a\" {\n retryable_errors = [\"y\"]\n max_attempts = 0\n sleep_interval_sec = 0\n }\n}\nexclude {\n if = true\n actions = [\"all\"]\n no_run = true\n}\n"},
		{"terraform { source = \"git::https://h/r.git//m?ref=1\" }\ninputs = { w = get_working_dir(), g = mark_glob_as_read(\"../**/*.hcl\") }", ""},
		{"inputs = { g = mark_glob_as_read(\"--terragrunt-boundary=/\", \"/{*,**/*}\"), u = uuidv5(\"dns\", \"x\") }", ""},
	} {
		f.Add(s.unit, s.parent)
	}
	f.Fuzz(func(t *testing.T, unit, parent string) {
		fsys := fstest.MapFS{
			"u/terragrunt.hcl": {Data: []byte(unit)},
			"d/terragrunt.hcl": {Data: []byte("inputs = {}\n")},
			"root.hcl":         {Data: []byte(parent)},
			"m/main.tf":        {Data: []byte(parent)},
		}
		// Half the inputs are rendered (Options.Render tolerates more), half evaluated
		// as plan evaluates them.
		render := len(unit)%2 == 0
		e := config.NewEvaluator(config.Options{FS: config.FromFS(fsys, "/fuzz"), RepoRoot: "/fuzz", Render: render})
		u, err := e.Unit(context.Background(), "/fuzz", "/fuzz/u")
		if err == nil && u == nil {
			t.Fatal("no unit and no error")
		}
		if err != nil && err.Error() == "" {
			t.Fatal("an error with no message")
		}
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("evaluator panicked: %v", err)
		}
		if err == nil {
			_ = u.Render()
		}
	})
}

// FuzzDependencyOutputs feeds dependency outputs of every shape plan and apply can
// supply (known JSON, wholly unknown, unknown of an object type, partly unknown, null,
// not an object) into units whose dependency blocks, mock merge strategies and
// includes (shallow, deep, exposed, with dependency blocks of their own) vary. FuzzUnit
// never supplied outputs, so it could not reach the shallow-merge panic.
func FuzzDependencyOutputs(f *testing.F) {
	dep := func(strategy string) string {
		return "dependency \"d\" {\n  config_path = \"../d\"\n  mock_outputs = { a = \"m\", m = { x = 1 }, l = [1] }\n" +
			"  mock_outputs_merge_strategy_with_state = \"" + strategy + "\"\n}\n" +
			"inputs = { a = dependency.d.outputs.a, m = dependency.d.outputs.m }\n"
	}
	parent := "dependency \"d\" {\n  config_path = \"${get_terragrunt_dir()}/../d\"\n  mock_outputs = { p = { y = 2 } }\n}\n" +
		"inputs = { p = dependency.d.outputs.p }\n"
	inc := func(strategy string) string {
		return "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n  expose = true\n  merge_strategy = \"" + strategy + "\"\n}\n"
	}
	for i, s := range []struct{ unit, parent, outputs string }{
		{dep("shallow"), "", `{"a": "real"}`},
		{dep("deep_map_only"), "", `{"m": {"z": 3}}`},
		{dep("no_merge"), "", `{}`},
		{inc("deep") + dep("shallow"), parent, `{"a": "real", "p": null}`},
		{inc("shallow") + "inputs = { q = include.root.dependency.d.outputs }\n", parent, `[1, 2]`},
		{inc("no_merge") + dep("deep_map_only"), parent, `"str"`},
		{dep("shallow") + "dependency \"e\" {\n  config_path = \"../d\"\n  mock_outputs = {}\n  skip_outputs = true\n}\n", "", `null`},
	} {
		f.Add(s.unit, s.parent, s.outputs, uint8(i))
	}
	// The panic of issue 11: shallow merge over wholly unknown outputs at plan.
	f.Add(dep("shallow"), "", `{"a": "real"}`, uint8(1+8))
	f.Fuzz(func(t *testing.T, unit, parent, outputs string, mode uint8) {
		var out cty.Value
		var sv ctyjson.SimpleJSONValue
		if err := sv.UnmarshalJSON([]byte(outputs)); err == nil {
			out = sv.Value
		} else {
			out = cty.EmptyObjectVal
		}
		switch mode % 6 {
		case 1:
			out = cty.DynamicVal
		case 2:
			out = cty.UnknownVal(out.Type())
		case 3:
			if out.Type().IsObjectType() && out.IsKnown() && !out.IsNull() {
				m := out.AsValueMap()
				for k, v := range m {
					m[k] = cty.UnknownVal(v.Type())
					break
				}
				if len(m) > 0 {
					out = cty.ObjectVal(m)
				}
			}
		case 4:
			out = cty.NullVal(cty.DynamicPseudoType)
		}
		have := mode%7 != 6
		commands := []string{"", "plan", "apply", "destroy"}
		opts := config.Options{
			Outputs: func(string) (cty.Value, bool) { return out, have },
			Command: commands[int(mode/8)%len(commands)],
		}
		if mode&0x80 != 0 {
			opts.TreeRoot = "/fuzz"
		}
		fsys := fstest.MapFS{
			"u/terragrunt.hcl": {Data: []byte(unit)},
			"d/terragrunt.hcl": {Data: []byte("inputs = {}\n")},
			"root.hcl":         {Data: []byte(parent)},
		}
		opts.FS, opts.RepoRoot = config.FromFS(fsys, "/fuzz"), "/fuzz"
		u, err := config.NewEvaluator(opts).Unit(context.Background(), "/fuzz", "/fuzz/u")
		if err == nil && u == nil {
			t.Fatal("no unit and no error")
		}
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("evaluator panicked: %v", err)
		}
		if err == nil {
			_ = u.Render() // rendering any evaluated unit must not panic either
		}
	})
}
