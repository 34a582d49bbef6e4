package gitsrc_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/gitsrc"
)

// gitRepo makes a repository in a temporary folder.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *gitRepo) write(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *gitRepo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func TestTreeIsAnFS(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "alpha\n")
	r.write("live/root.hcl", "locals {}\n")
	r.write("live/dev/env.hcl", "locals { env = \"dev\" }\n")
	r.write("modules/vpc/main.tf", "# vpc\n")
	if err := os.Symlink("../modules", filepath.Join(r.dir, "live", "mods")); err != nil {
		t.Fatal(err)
	}
	first := r.commit("first")
	r.write("a.txt", "changed\n")
	r.commit("second")

	ctx := context.Background()
	repo, err := gitsrc.Open(ctx, filepath.Join(r.dir, "live"))
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	tree, err := repo.Tree(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(tree, "a.txt", "live/root.hcl", "live/dev/env.hcl", "modules/vpc/main.tf"); err != nil {
		t.Fatal(err)
	}
	// The first commit's content, not the work tree's.
	b, err := tree.ReadFile("a.txt")
	if err != nil || string(b) != "alpha\n" {
		t.Fatalf("ReadFile(a.txt) = %q, %v; want the first commit's content", b, err)
	}
	// Symbolic links inside the tree are followed.
	b, err = tree.ReadFile("live/mods/vpc/main.tf")
	if err != nil || string(b) != "# vpc\n" {
		t.Fatalf("ReadFile through a symlink = %q, %v", b, err)
	}
	if _, err := tree.Stat("live/nope.hcl"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat of a missing file: %v, want ErrNotExist", err)
	}
	if _, err := tree.ReadFile("../outside"); err == nil {
		t.Fatal("a path leaving the tree must fail")
	}
	// Mounted at the repository root, paths read as they do on disk.
	mounted := config.FromFS(tree, repo.Root())
	b, err = mounted.ReadFile(filepath.Join(repo.Root(), "live", "dev", "env.hcl"))
	if err != nil || !strings.Contains(string(b), "dev") {
		t.Fatalf("mounted ReadFile = %q, %v", b, err)
	}
	units, err := config.Discover(mounted, filepath.Join(repo.Root(), "live"))
	if err != nil || len(units) != 0 {
		t.Fatalf("Discover = %v, %v; want no units", units, err)
	}
}

func TestResolveAndMergeBase(t *testing.T) {
	r := newRepo(t)
	r.write("f", "1")
	c1 := r.commit("one")
	r.git("checkout", "-q", "-b", "feature")
	r.write("f", "2")
	c2 := r.commit("two")
	ctx := context.Background()
	repo, err := gitsrc.Open(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	got, err := repo.Resolve(ctx, "HEAD")
	if err != nil || got != c2 {
		t.Fatalf("Resolve(HEAD) = %s, %v; want %s", got, err, c2)
	}
	mb, err := repo.MergeBase(ctx, "HEAD", "main")
	if err != nil || mb != c1 {
		t.Fatalf("MergeBase = %s, %v; want %s", mb, err, c1)
	}
	_, err = repo.Resolve(ctx, "no-such-branch")
	var re *gitsrc.RefError
	if !errors.As(err, &re) || re.Shallow || !strings.Contains(err.Error(), `"no-such-branch"`) {
		t.Fatalf("Resolve(no-such-branch) = %v; want a RefError naming it", err)
	}
	if _, err := repo.Resolve(ctx, "--help"); err == nil {
		t.Fatal("an option as a ref must be refused")
	}
}

func TestDiffAndPrefetch(t *testing.T) {
	r := newRepo(t)
	r.write("keep", "same")
	r.write("edit", "before")
	r.write("gone", "x")
	a := r.commit("a")
	r.write("edit", "after")
	r.write("new/file", "y")
	if err := os.Remove(filepath.Join(r.dir, "gone")); err != nil {
		t.Fatal(err)
	}
	b := r.commit("b")
	ctx := context.Background()
	repo, err := gitsrc.Open(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	ta, err := repo.Tree(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := repo.Tree(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range gitsrc.Diff(ta, tb) {
		got = append(got, c.Kind.String()+" "+c.Path)
	}
	want := "modified edit,deleted gone,added new/file"
	if strings.Join(got, ",") != want {
		t.Fatalf("Diff = %v; want %s", got, want)
	}
	var ids []string
	for _, e := range tb.Entries() {
		ids = append(ids, e.ID)
	}
	if err := repo.Prefetch(ctx, append(ids, strings.Repeat("0", 40))); err != nil {
		t.Fatal(err)
	}
	e, err := tb.Lookup("edit")
	if err != nil {
		t.Fatal(err)
	}
	if repo.HashBlob([]byte("after")) != e.ID {
		t.Fatalf("HashBlob does not match git's object id %s", e.ID)
	}
}

func TestNotARepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	_, err := gitsrc.Open(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "not inside a git work tree") {
		t.Fatalf("Open outside a repository = %v", err)
	}
}
