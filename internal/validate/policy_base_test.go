package validate

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// TestPolicyFromTheBase replays issue 14's attack: a pull request sets
// deletion_protection = false in production and deletes policy/ (`rm -r policy`). Judged
// by its own checkout it passes; judged by the base commit's policies (PolicyBase) the
// denial stands, and every policy file the PR deleted is reported as a warning.
func TestPolicyFromTheBase(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"live/production/eu-central-1/aurora/terragrunt.hcl": strings.Replace(goodTree["live/production/eu-central-1/aurora/terragrunt.hcl"],
			"backup_retention_period = 30", "backup_retention_period = 30\n  deletion_protection     = false", 1),
	})
	// The base commit has the repository's policies.
	if err := os.CopyFS(filepath.Join(dir, "policy"), os.DirFS(filepath.Join(testenv.RepoRoot(t), "policy"))); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-qm", "base")
	base := strings.TrimSpace(func() string {
		out, _ := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
		return string(out)
	}())
	// The pull request: rm -r policy.
	if err := os.RemoveAll(filepath.Join(dir, "policy")); err != nil {
		t.Fatal(err)
	}
	opts := Options{Root: filepath.Join(dir, "live"), RepoRoot: dir, Only: []string{"policy"}}

	// Judged by its own checkout (the old behaviour): no policy, no denial.
	r, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed(finding.Error) {
		t.Fatalf("without policy/ the PR should pass on its own checkout (the attack):\n%s", dump(r))
	}

	// Judged by the base's policies.
	opts.PolicyBase = base
	r, err = Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if f := find(r, "policy", "deletion-protection"); f == nil || f.Level != finding.Error {
		t.Fatalf("the base's deletion-protection rule did not judge the PR:\n%s", dump(r))
	}
	if !r.Failed(finding.Error) {
		t.Fatal("the PR passes")
	}
	deleted := 0
	for _, f := range r.Findings {
		if f.Rule == RulePolicyChanged {
			if f.Level != finding.Warning || !strings.HasPrefix(f.File, "policy/") || !strings.Contains(f.Message, "deletes") {
				t.Errorf("change report: %v", f)
			}
			deleted++
		}
	}
	if deleted == 0 {
		t.Errorf("the PR's deletion of policy/ was not reported:\n%s", dump(r))
	}
	for _, c := range r.Checks {
		if c.Name == "policy" && !strings.Contains(c.Note, "policies from the base commit "+base[:12]) {
			t.Errorf("policy note %q does not say where the policies came from", c.Note)
		}
	}
}
