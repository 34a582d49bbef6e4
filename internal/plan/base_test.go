package plan

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func gitT(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeT(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// TestMaterialize: a commit's tree is written out as it was (files, modes, symbolic
// links), not as the checkout is now, and reused once complete.
func TestMaterialize(t *testing.T) {
	ctx := context.Background()
	repo := t.TempDir()
	gitT(t, repo, "init", "-q", "-b", "main")
	writeT(t, filepath.Join(repo, "live", "dev", "app", "terragrunt.hcl"), "inputs = { v = 1 }\n", 0o644)
	writeT(t, filepath.Join(repo, "scripts", "build.sh"), "#!/bin/sh\necho hi\n", 0o755)
	if err := os.Symlink("../scripts/build.sh", filepath.Join(repo, "live", "build.sh")); err != nil {
		t.Fatal(err)
	}
	gitT(t, repo, "add", "-A")
	gitT(t, repo, "commit", "-q", "-m", "one")
	base := gitT(t, repo, "rev-parse", "HEAD")
	gitT(t, repo, "rm", "-q", "-r", "live/dev/app")
	gitT(t, repo, "commit", "-q", "-m", "two")

	dst := filepath.Join(t.TempDir(), ".base", base, "tree")
	got, err := Materialize(ctx, repo, base, dst)
	if err != nil || got != dst {
		t.Fatalf("Materialize = %s, %v", got, err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "live", "dev", "app", "terragrunt.hcl")); err != nil || string(b) != "inputs = { v = 1 }\n" {
		t.Errorf("removed unit not written out: %q %v", b, err)
	}
	if st, err := os.Stat(filepath.Join(dst, "scripts", "build.sh")); err != nil || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("executable bit lost: %v %v", st, err)
	}
	if l, err := os.Readlink(filepath.Join(dst, "live", "build.sh")); err != nil || l != "../scripts/build.sh" {
		t.Errorf("symbolic link = %q, %v", l, err)
	}
	// Complete: reused as is.
	writeT(t, filepath.Join(dst, "marker"), "kept", 0o644)
	if _, err := Materialize(ctx, repo, base, dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "marker")); err != nil {
		t.Error("a complete tree was written again")
	}
	// Incomplete (an interrupted run): replaced.
	if err := os.Remove(filepath.Join(dst, completeMarker)); err != nil {
		t.Fatal(err)
	}
	if _, err := Materialize(ctx, repo, base, dst); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "marker")); !os.IsNotExist(err) {
		t.Error("an incomplete tree was reused")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".tree-*")); len(leftovers) != 0 {
		t.Errorf("temporary trees left: %v", leftovers)
	}
}

// TestAtCommit: an Env at another commit has the same tree root inside the written-out
// tree, working directories of its own, and a clear error for a commit the clone lacks.
func TestAtCommit(t *testing.T) {
	tofu := testenv.Tool(t, "tofu")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	repo := t.TempDir()
	gitT(t, repo, "init", "-q", "-b", "main")
	writeT(t, filepath.Join(repo, "live", "app", "terragrunt.hcl"), "inputs = {}\n", 0o644)
	gitT(t, repo, "add", "-A")
	gitT(t, repo, "commit", "-q", "-m", "one")
	work := t.TempDir()
	ex, err := executor.New(ctx, executor.Options{Binary: tofu, WorkRoot: work})
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Root: filepath.Join(repo, "live"), RepoRoot: repo, Exec: Tofu(ex), Commit: "head"}
	b, err := env.AtCommit(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	sha := gitT(t, repo, "rev-parse", "main")
	tree := filepath.Join(work, BaseDir, sha, "tree")
	if b.At() != sha || b.RepoRoot != tree || b.Root != filepath.Join(tree, "live") || b.Commit != "head" || b.RootRel() != "live" {
		t.Errorf("env at %s: %+v", sha, b)
	}
	if b.Exec.WorkRoot() != filepath.Join(work, BaseDir, sha, "work") || env.Exec.WorkRoot() != work {
		t.Errorf("work roots: %s, %s", b.Exec.WorkRoot(), env.Exec.WorkRoot())
	}
	if _, err := os.Stat(filepath.Join(b.Root, "app", "terragrunt.hcl")); err != nil {
		t.Error(err)
	}
	_, err = env.AtCommit(ctx, "0123456789abcdef0123456789abcdef01234567")
	if err == nil || !strings.Contains(err.Error(), "is not in the repository") {
		t.Errorf("missing commit: %v", err)
	}
	// A shallow clone lacking the base commit says how to get it.
	writeT(t, filepath.Join(repo, "live", "app", "terragrunt.hcl"), "inputs = { v = 2 }\n", 0o644)
	gitT(t, repo, "commit", "-q", "-am", "two")
	clone := filepath.Join(t.TempDir(), "clone")
	gitT(t, repo, "clone", "-q", "--depth", "1", "file://"+repo, clone)
	shallow := &Env{Root: filepath.Join(clone, "live"), RepoRoot: clone, Exec: Tofu(ex)}
	_, err = shallow.AtCommit(ctx, sha)
	if err == nil || !strings.Contains(err.Error(), "fetch-depth: 0") {
		t.Errorf("shallow clone: %v", err)
	}
}
