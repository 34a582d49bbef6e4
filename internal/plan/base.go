package plan

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// BaseDir is the folder, under the executor's work root, holding the trees of other
// commits (units removed since a base commit are destroyed from its configuration):
// BaseDir/<commit>/tree is the commit's tree, BaseDir/<commit>/work the working
// directories of its units.
const BaseDir = ".base"

// completeMarker marks a fully written tree.
const completeMarker = ".olechka-tree-complete"

// AtCommit returns an Env for the same tree root as it was at another commit: the
// commit's whole tree written out (git archive) under the work root, its units run
// in working directories of their own. The repository root is the written-out tree,
// so get_repo_root(), find_in_parent_folders() and the fingerprints (which abstract
// the repository root) work as in the repository.
func (e *Env) AtCommit(ctx context.Context, commit string) (*Env, error) {
	if e.RepoRoot == "" {
		return nil, fmt.Errorf("%s is not in a git repository: cannot read commit %s", e.Root, commit)
	}
	rel, err := filepath.Rel(e.RepoRoot, e.Root)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("the tree root %s is outside the repository %s", e.Root, e.RepoRoot)
	}
	sha, err := resolveCommit(ctx, e.RepoRoot, commit)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(e.Exec.WorkRoot(), BaseDir, sha)
	tree, err := Materialize(ctx, e.RepoRoot, sha, filepath.Join(dir, "tree"))
	if err != nil {
		return nil, err
	}
	sub := *e
	sub.at = sha
	sub.RepoRoot = tree
	sub.Root = filepath.Join(tree, rel)
	sub.Exec = e.Exec.Sub(filepath.Join(dir, "work"))
	return &sub, nil
}

// resolveCommit turns a ref into a full commit id, with a clear message when the
// clone lacks it.
func resolveCommit(ctx context.Context, repo, ref string) (string, error) {
	out, err := gitOutput(ctx, repo, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err != nil {
		msg := fmt.Sprintf("commit %s is not in the repository at %s", ref, repo)
		if b, _ := gitOutput(ctx, repo, "rev-parse", "--is-shallow-repository"); strings.TrimSpace(string(b)) == "true" {
			msg += " (a shallow clone: fetch the history, e.g. actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
		}
		return "", errors.New(msg)
	}
	return strings.TrimSpace(string(out)), nil
}

func gitOutput(ctx context.Context, repo string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Materialize writes a commit's tree (`git archive`) into dst, unless an earlier call
// already completed it, and returns dst. The tree is written beside dst and renamed
// into place, so a half-written tree is never used.
func Materialize(ctx context.Context, repo, commit, dst string) (string, error) {
	if _, err := os.Stat(filepath.Join(dst, completeMarker)); err == nil {
		return dst, nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".tree-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "git", "-C", repo, "archive", "--format=tar", commit)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("git archive %s: %w", commit, err)
	}
	xerr := untar(pipe, tmp)
	_, _ = io.Copy(io.Discard, pipe) // let git finish even if untar stopped early
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("git archive %s: %w: %s", commit, err, strings.TrimSpace(stderr.String()))
	}
	if xerr != nil {
		return "", fmt.Errorf("writing out commit %s: %w", commit, xerr)
	}
	if err := os.WriteFile(filepath.Join(tmp, completeMarker), []byte(commit+"\n"), 0o644); err != nil {
		return "", err
	}
	// An incomplete tree left by an interrupted run goes; a complete one written by a
	// concurrent run in the meantime is kept.
	if _, err := os.Stat(filepath.Join(dst, completeMarker)); err == nil {
		return dst, nil
	}
	if err := os.RemoveAll(dst); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dst); err != nil {
		if _, serr := os.Stat(filepath.Join(dst, completeMarker)); serr == nil {
			return dst, nil
		}
		return "", err
	}
	return dst, nil
}

// untar extracts a tar stream into dir (regular files, folders, symbolic links).
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.FromSlash(strings.TrimSuffix(h.Name, "/"))
		if name == "" || name == "." {
			continue
		}
		if !filepath.IsLocal(name) {
			return fmt.Errorf("archive entry %q leaves the tree", h.Name)
		}
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			mode := fs.FileMode(0o644)
			if h.Mode&0o111 != 0 {
				mode = 0o755
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, tr); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, target); err != nil {
				return err
			}
		default:
			// git archive writes a global header (the commit id) and nothing else.
		}
	}
}

// BaseTree evaluates every unit of another commit's tree (AtCommit) for its dependency
// edges, as destroys see them (no state read).
// Units that do not evaluate are left out and reported by the caller only when it
// needs them: an unrelated broken unit at the base commit stops nothing.
func (e *Env) BaseTree(ctx context.Context) (*config.Tree, error) {
	ev := config.NewEvaluator(config.Options{
		RepoRoot:    e.RepoRoot,
		Getenv:      e.Getenv,
		AllowRunCmd: e.AllowRunCmd,
		Outputs:     unknownOutputs,
		Command:     "destroy",
		WorkRoot:    e.workRoot(),
	})
	return ev.Tree(ctx, e.Root)
}
