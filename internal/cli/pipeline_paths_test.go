package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// A pipeline started in one repository for a tree in another works on the tree's
// repository (its git history, its .olechka folder), not the current folder's.
func TestPipelinePathsUseTheTreesRepository(t *testing.T) {
	here, there := t.TempDir(), t.TempDir()
	for _, d := range []string{filepath.Join(here, ".git"), filepath.Join(there, ".git"), filepath.Join(there, "live"), filepath.Join(here, "examples", "sandbox")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(here)
	f := &pipelineFlags{local: true}

	root, repo, out, err := f.paths([]string{filepath.Join(there, "live")})
	if err != nil {
		t.Fatal(err)
	}
	if root != filepath.Join(there, "live") || repo != there || out != filepath.Join(there, ".olechka", "pipeline") {
		t.Errorf("tree in another repository: root %s, repo %s, out %s", root, repo, out)
	}

	root, repo, _, err = f.paths(nil)
	if err != nil {
		t.Fatal(err)
	}
	if root != filepath.Join(here, "examples", "sandbox") || repo != here {
		t.Errorf("default tree: root %s, repo %s", root, repo)
	}
}
