package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func TestEvalMessagesAndKinds(t *testing.T) {
	ctx := context.Background()
	e, err := LoadModules(ctx, map[string]string{
		"a.rego": `package olechka.unit.a

deny contains "plain text" if input.x == 1

deny contains {"msg": "with rule", "rule": "my-rule", "field": "inputs.x"} if input.x == 1

warn contains "advice" if input.x > 0
`,
		"b.rego": `package olechka.plan.b

deny contains "plan says no" if count(input.resource_changes) > 0
`,
	})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := e.Eval(ctx, Unit, map[string]any{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || !vs[0].Deny || !vs[1].Deny || vs[2].Deny {
		t.Fatalf("%+v", vs)
	}
	byRule := map[string]Violation{}
	for _, v := range vs {
		byRule[v.Rule+"/"+v.Message] = v
	}
	if v, ok := byRule["my-rule/with rule"]; !ok || v.Field != "inputs.x" || v.Package != "a" {
		t.Fatalf("object message: %+v", vs)
	}
	if _, ok := byRule["a/plain text"]; !ok {
		t.Fatalf("string message takes the package as rule: %+v", vs)
	}
	if vs, _ := e.Eval(ctx, Unit, map[string]any{"x": 0}); len(vs) != 0 {
		t.Fatalf("nothing fires: %+v", vs)
	}
	if vs, _ := e.Eval(ctx, Plan, map[string]any{"resource_changes": []any{1}}); len(vs) != 1 || vs[0].Kind != Plan {
		t.Fatalf("plan: %+v", vs)
	}
	if vs, err := e.Eval(ctx, Env, map[string]any{}); err != nil || len(vs) != 0 {
		t.Fatalf("no env policies: %v %+v", err, vs)
	}
	if _, err := e.Eval(ctx, Kind("nope"), nil); err == nil {
		t.Fatal("unknown kind")
	}
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ok.rego"), []byte("package olechka.unit.ok\n\ndeny contains \"x\" if false\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.rego"), []byte("package olechka.unit.bad\n\ndeny contains x if {\n\ty := 1\n}\n"), 0o644)
	_, err := Load(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "bad.rego:3") {
		t.Fatalf("want a compile error at bad.rego:3, got %v", err)
	}
	if _, err := Load(context.Background(), filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing folder is an error")
	}
}

func TestShippedPoliciesLoadWithoutTests(t *testing.T) {
	e, err := Load(context.Background(), filepath.Join(testenv.RepoRoot(t), "policy"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range e.Files() {
		if strings.HasSuffix(f, "_test.rego") {
			t.Fatalf("test file compiled into the engine: %s", f)
		}
	}
	if len(e.Files()) < 7 {
		t.Fatalf("files: %v", e.Files())
	}
}

func BenchmarkEvalUnit(b *testing.B) {
	e, err := Load(context.Background(), filepath.Join(testenv.RepoRoot(b), "policy"))
	if err != nil {
		b.Fatal(err)
	}
	input := map[string]any{
		"inputs": map[string]any{"deletion_protection": true, "instance_count": 3, "backup_retention_days": 30, "kms_key_arn": "arn:aws:kms:x",
			"tags": map[string]any{"environment": "production", "service": "ai-tools", "managed-by": "terragrunt", "repository": "r"}},
		"prevent_destroy": true,
		"olechka":         map[string]any{"path": "production/eu-central-1/aurora", "tier": "production", "module": "aurora", "variables": map[string]any{}},
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Eval(context.Background(), Unit, input); err != nil {
			b.Fatal(err)
		}
	}
}
