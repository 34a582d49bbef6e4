package config_test

import (
	"context"
	"testing"
	"testing/fstest"

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
		e := config.NewEvaluator(config.Options{FS: config.FromFS(fsys, "/fuzz"), RepoRoot: "/fuzz"})
		u, err := e.Unit(context.Background(), "/fuzz", "/fuzz/u")
		if err == nil && u == nil {
			t.Fatal("no unit and no error")
		}
		if err != nil && err.Error() == "" {
			t.Fatal("an error with no message")
		}
	})
}
