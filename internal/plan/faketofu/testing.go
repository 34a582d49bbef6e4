package faketofu

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/plan"
)

// Chain writes a two-unit tree (units "a" and "b"): b depends on a, with a mock for a's output id.
func Chain(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"modules/m/main.tf": `variable "name" {}` + "\n" + `variable "a_id" { default = "" }` + "\n",
		"a/terragrunt.hcl": `terraform { source = "../modules/m" }
inputs = { name = "a" }
`,
		"b/terragrunt.hcl": `terraform { source = "../modules/m" }
dependency "a" {
  config_path  = "../a"
  mock_outputs = { id = "mock-id-of-a" }
}
inputs = { name = "b", a_id = dependency.a.outputs.id }
`,
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Env is an Env for the tree at root with a fake OpenTofu, commit "c0ffee" and a pinned clock.
func Env(t testing.TB, root string) (*plan.Env, *Tool) {
	t.Helper()
	ft := New(root, t.TempDir())
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &plan.Env{
		Root:   root,
		Exec:   ft,
		Getenv: func(string) (string, bool) { return "", false },
		Commit: "c0ffee",
		Now:    func() time.Time { return now },
	}, ft
}
