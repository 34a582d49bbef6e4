package executor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// TestGenerateStaysInsideTheUnit replays issue 14's attack: a pull request's generate
// block (and remote_state.generate) with a path climbing out of the unit, or writing
// through a link in .terraform (which survives between runs and may point into the
// shared plugin cache), is refused with file:line, and nothing is written outside.
func TestGenerateStaysInsideTheUnit(t *testing.T) {
	f := newHookFixture(t)
	outside := t.TempDir()
	target := filepath.Join(outside, "pwned")
	climb := strings.Repeat("../", 12) + strings.TrimPrefix(target, "/")
	cases := []struct{ name, body, want string }{
		{"climb", "generate \"pwned\" {\n  path      = \"" + climb + "\"\n  if_exists = \"overwrite\"\n  contents  = \"owned\"\n}\n", "terragrunt.hcl:6: "},
		{"absolute", "generate \"pwned\" {\n  path      = \"" + target + "\"\n  if_exists = \"overwrite\"\n  contents  = \"owned\"\n}\n", "terragrunt.hcl:6: "},
		{"backend", "remote_state {\n  backend = \"local\"\n  generate = { path = \"" + climb + "\", if_exists = \"overwrite\" }\n  config = { path = \"x.tfstate\" }\n}\n", "terragrunt.hcl:7: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(f.root, "units", c.name)
			writeFile(t, filepath.Join(dir, "terragrunt.hcl"), "terraform {\n  source = \"../../modules//app\"\n}\n\n"+c.body)
			u, err := config.NewEvaluator(config.Options{RepoRoot: f.root, Command: "plan"}).Unit(f.ctx, f.root, dir)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.e.Prepare(f.ctx, u, &strings.Builder{})
			if err == nil || !strings.Contains(err.Error(), "leaves the unit's working directory") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Prepare = %v, want a refusal at %s", err, c.want)
			}
			if exists(target) {
				t.Fatal("the generate block wrote outside the unit")
			}
		})
	}

	// A link kept in .terraform (which survives between runs) pointing outside.
	dir := filepath.Join(f.root, "units", "link")
	writeFile(t, filepath.Join(dir, "terragrunt.hcl"), "terraform {\n  source = \"../../modules//app\"\n}\n\ngenerate \"p\" {\n  path      = \"../.terraform/plugins/evil.tf\"\n  if_exists = \"overwrite\"\n  contents  = \"owned\"\n}\n")
	u, err := config.NewEvaluator(config.Options{RepoRoot: f.root, Command: "plan"}).Unit(f.ctx, f.root, dir)
	if err != nil {
		t.Fatal(err)
	}
	tfDir := filepath.Join(f.e.workPath(u.Path), "src", ".terraform")
	if err := os.MkdirAll(tfDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(tfDir, "plugins")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.Prepare(f.ctx, u, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "symbolic link") || !strings.Contains(err.Error(), "terragrunt.hcl:6: ") {
		t.Fatalf("Prepare through a link = %v, want a refusal", err)
	}
	if exists(filepath.Join(outside, "evil.tf")) {
		t.Fatal("the generate block wrote through a link")
	}

	// Inside the unit (a subfolder included) is fine.
	dir = filepath.Join(f.root, "units", "fine")
	writeFile(t, filepath.Join(dir, "terragrunt.hcl"), "terraform {\n  source = \"../../modules//app\"\n}\n\ngenerate \"p\" {\n  path      = \"sub/../extra.tf\"\n  if_exists = \"overwrite\"\n  contents  = \"# ok\"\n}\n")
	u, err = config.NewEvaluator(config.Options{RepoRoot: f.root, Command: "plan"}).Unit(f.ctx, f.root, dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := f.e.Prepare(f.ctx, u, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(w.Dir, "extra.tf")) {
		t.Error("a generate path inside the unit was not written")
	}
}
