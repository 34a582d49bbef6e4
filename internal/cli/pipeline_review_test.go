package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/state"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// tamperReader runs tamper on the first read, then answers the approval prompt.
type tamperReader struct {
	tamper func()
	done   bool
	r      io.Reader
}

func (t *tamperReader) Read(p []byte) (int, error) {
	if !t.done {
		t.done = true
		t.tamper()
		t.r = strings.NewReader("yes\n")
	}
	return t.r.Read(p)
}

// TestPipelineAppliesOnlyTheReviewed replays issue 17's attack on the local pipeline: a
// destroy plan of production's network, complete and self-consistent (its own metadata
// and digests, the same state serial and configuration), is copied over the reviewed plan while
// the run waits for production's approval. Only review.json tells the two apart: the
// pipeline must hand it to apply, which refuses the unit, and nothing is destroyed.
func TestPipelineAppliesOnlyTheReviewed(t *testing.T) {
	testenv.Tool(t, "tofu")
	testenv.File(t, "tofurc")
	cache := testenv.CacheDir(t)
	tree := copyTree(t, filepath.Join(testenv.RepoRoot(t), "examples", "sandbox"))
	for _, d := range []string{"dev", "staging", "production/ap-southeast-1", "production/eu-central-1/storage",
		"production/eu-central-1/service", "production/eu-central-1/monitoring"} {
		if err := os.RemoveAll(filepath.Join(tree, d)); err != nil {
			t.Fatal(err)
		}
	}
	const unit = "production/eu-central-1/network"
	work, out, destroyOut := t.TempDir(), filepath.Join(t.TempDir(), "run"), filepath.Join(t.TempDir(), "destroy")
	ctx := t.Context()
	srv, err := state.Serve(ctx, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := map[string]string{
		"OLECHKA_CACHE":          cache,
		"OLECHKA_STATE_ENDPOINT": srv.URL(),
		state.EnvAccessKey:       srv.Credentials().AccessKeyID,
		state.EnvSecretKey:       srv.Credentials().SecretAccessKey,
		"PATH":                   os.Getenv("PATH"),
		"HOME":                   os.Getenv("HOME"),
	}
	run := func(stdin io.Reader, args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := Main(ctx, App{Stdin: stdin, Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}, args)
		return code, stdout.String() + stderr.String()
	}
	pipelineArgs := []string{"pipeline", "--local", "--only", "fmt", "--out", out, "--work-dir", work, tree}

	// 1. Production's network exists.
	if code, log := run(strings.NewReader(""), append([]string{pipelineArgs[0], "--auto-approve"}, pipelineArgs[1:]...)...); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, log)
	}
	// 2. A change to review: two AZs instead of three.
	envHCL := filepath.Join(tree, "production", "env.hcl")
	b, err := os.ReadFile(envHCL)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(envHCL, bytes.Replace(b, []byte("az_count    = 3"), []byte("az_count    = 2"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	// 3. The attacker's plan: its destruction, planned against the same state and configuration.
	env["OLECHKA_LOCAL"] = "1"
	if code, log := run(strings.NewReader(""), "plan", "--destroy", "--out", destroyOut, "--work-dir", work, "--root", tree, filepath.Join(tree, filepath.FromSlash(unit))); code != 0 {
		t.Fatalf("destroy plan: exit %d\n%s", code, log)
	}
	delete(env, "OLECHKA_LOCAL")
	// 4. While the run waits for production's approval, the destroy plan replaces the
	// reviewed one; then the approval is given.
	reviewed := filepath.Join(out, "plans", "units", filepath.FromSlash(unit))
	tampered := false
	stdin := &tamperReader{tamper: func() {
		src := filepath.Join(destroyOut, "units", filepath.FromSlash(unit))
		if err := os.RemoveAll(reviewed); err != nil {
			t.Error(err)
			return
		}
		if err := os.CopyFS(reviewed, os.DirFS(src)); err != nil {
			t.Error(err)
			return
		}
		tampered = true
	}}
	code, log := run(stdin, pipelineArgs...)
	if !tampered {
		t.Fatalf("the run never asked for approval (exit %d):\n%s", code, log)
	}
	// The swapped folder is self-consistent: only the review tells it apart.
	plans, err := artifact.ReadDir(filepath.Join(out, "plans"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if p.Metadata.Unit != unit {
			continue
		}
		if p.Metadata.Action != artifact.ActionDestroy {
			t.Fatalf("the swapped plan is a %s plan, want destroy", p.Metadata.Action)
		}
		if problems, _, err := p.Check(); err != nil || len(problems) > 0 {
			t.Fatalf("the swapped plan does not match its own digests (%v %v): the attack needs a consistent folder", problems, err)
		}
		if p.Applied == nil || p.Applied.Status != "refused" {
			t.Errorf("apply.json: %+v, want refused", p.Applied)
		} else if !strings.Contains(p.Applied.Error+p.Applied.Reason, "not the reviewed plan") {
			t.Errorf("not refused as another plan than the reviewed one: %q %q", p.Applied.Reason, p.Applied.Error)
		}
	}
	if code == 0 {
		t.Errorf("the run passed with a refused unit:\n%s", log)
	}
	if strings.Contains(log, "destroyed") && !strings.Contains(log, "0 destroyed") {
		t.Errorf("something was destroyed:\n%s", log)
	}
	// Nothing was destroyed: a plan of the unit now finds its resources in state.
	env["OLECHKA_LOCAL"] = "1"
	code, log = run(strings.NewReader(""), "plan", "--out", filepath.Join(t.TempDir(), "after"), "--work-dir", work, "--root", tree, filepath.Join(tree, filepath.FromSlash(unit)))
	if code != 0 {
		t.Fatalf("plan after: exit %d\n%s", code, log)
	}
	if strings.Contains(log, "to add") && !strings.Contains(log, "0 to add") {
		t.Errorf("the network was destroyed: a plan now adds resources:\n%s", log)
	}
}
