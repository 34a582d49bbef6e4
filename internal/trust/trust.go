// Package trust reads what judges a change from the change's base commit, never from
// the change itself: the repository's trusted settings (.olechka.hcl: which Terragrunt
// hooks may run at plan time) and the policy folder. A pull request's checkout is
// untrusted (issue 14): it may delete the rule it breaks or add a hook that prints the
// job's credentials, so those are read from git objects of the base commit.
package trust

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/gitsrc"
)

// File is the trusted settings file at the repository root.
const File = ".olechka.hcl"

// RepoToken stands for the repository's root folder in an allowed hook's execute.
const RepoToken = "{repo}"

// Config is the repository's trusted settings.
type Config struct {
	// Source says where they were read: "<commit>:.olechka.hcl", the file on disk, or
	// a sentence when there was no file (defaults).
	Source string
	// PlanHooks lets every hook run at plan time (Atlantis's allow_custom_workflows).
	PlanHooks bool
	// Allowed are hooks allowed at plan time by name and exact command.
	Allowed []AllowedHook
	repo    string
}

// AllowedHook is a plan_hook block: a hook of that name may run at plan time when its
// execute is exactly this list ({repo} stands for the repository's root folder).
type AllowedHook struct {
	Name    string
	Execute []string
}

// HookError is a hook the trusted settings do not allow at plan time.
type HookError struct {
	Name    string
	Execute []string
	Source  string
}

func (e *HookError) Error() string {
	return fmt.Sprintf("hook %q (%s) may not run at plan time: the trusted settings (%s) do not allow it; "+
		"a plan runs a pull request's configuration, so hooks run only when %s on the base branch sets plan_hooks = true "+
		"or lists the hook with exactly this command in a plan_hook block",
		e.Name, strings.Join(e.Execute, " "), e.Source, File)
}

// AllowHook tells whether a hook may run at plan time; nil when it may.
func (c *Config) AllowHook(name string, execute []string) error {
	if c.PlanHooks {
		return nil
	}
	for _, a := range c.Allowed {
		if a.Name != name || len(a.Execute) != len(execute) {
			continue
		}
		same := true
		for i, arg := range a.Execute {
			if c.repo != "" {
				arg = strings.ReplaceAll(arg, RepoToken, c.repo)
			}
			if arg != execute[i] {
				same = false
				break
			}
		}
		if same {
			return nil
		}
	}
	return &HookError{Name: name, Execute: execute, Source: c.Source}
}

// Parse reads trusted settings. repo is the repository's root folder ({repo}).
func Parse(src []byte, filename, repo string) (*Config, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	c := &Config{Source: filename, repo: repo}
	body := f.Body.(*hclsyntax.Body)
	for name, a := range body.Attributes {
		switch name {
		case "plan_hooks":
			v, d := a.Expr.Value(nil)
			if d.HasErrors() {
				return nil, d
			}
			if v.Type() != cty.Bool || v.IsNull() {
				return nil, fmt.Errorf("%s:%d: plan_hooks must be true or false", filename, a.SrcRange.Start.Line)
			}
			c.PlanHooks = v.True()
		default:
			return nil, fmt.Errorf("%s:%d: unknown setting %q (known: plan_hooks, plan_hook blocks)", filename, a.SrcRange.Start.Line, name)
		}
	}
	for _, b := range body.Blocks {
		if b.Type != "plan_hook" || len(b.Labels) != 1 {
			return nil, fmt.Errorf("%s:%d: unknown block %q (known: plan_hook \"NAME\" { execute = [...] })", filename, b.TypeRange.Start.Line, b.Type)
		}
		a, ok := b.Body.Attributes["execute"]
		if !ok || len(b.Body.Attributes) != 1 || len(b.Body.Blocks) != 0 {
			return nil, fmt.Errorf("%s:%d: plan_hook %q takes exactly one attribute, execute", filename, b.TypeRange.Start.Line, b.Labels[0])
		}
		v, d := a.Expr.Value(nil)
		if d.HasErrors() {
			return nil, d
		}
		if !(v.Type().IsTupleType() || v.Type().IsListType()) || v.LengthInt() == 0 {
			return nil, fmt.Errorf("%s:%d: plan_hook %q: execute must be a non-empty list of strings", filename, a.SrcRange.Start.Line, b.Labels[0])
		}
		h := AllowedHook{Name: b.Labels[0]}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.Type() != cty.String || e.IsNull() {
				return nil, fmt.Errorf("%s:%d: plan_hook %q: execute must be a list of strings", filename, a.SrcRange.Start.Line, b.Labels[0])
			}
			h.Execute = append(h.Execute, e.AsString())
		}
		c.Allowed = append(c.Allowed, h)
	}
	return c, nil
}

// Load reads the trusted settings of the repository holding dir from commit ref's tree
// (git objects; the working tree is not read). With ref empty, the file on disk is read:
// for runs whose checkout is itself trusted (a developer's machine, a push to main). No
// file: the defaults (no hook at plan time).
func Load(ctx context.Context, dir, ref string) (*Config, error) {
	if ref == "" {
		repo := dir
		if r, err := gitsrc.Open(ctx, dir); err == nil {
			repo = r.Root()
			r.Close()
		}
		p := filepath.Join(repo, File)
		src, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return &Config{Source: "no " + File + " in " + repo + " (defaults)", repo: repo}, nil
		}
		if err != nil {
			return nil, err
		}
		return Parse(src, p, repo)
	}
	t, closeRepo, err := BaseTree(ctx, dir, ref)
	if err != nil {
		return nil, err
	}
	defer closeRepo()
	repo := t.Repo().Root()
	src, err := t.ReadFile(File)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{Source: "no " + File + " at " + artifact.ShortID(t.Commit()) + " (defaults)", repo: repo}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", File, artifact.ShortID(t.Commit()), err)
	}
	return Parse(src, artifact.ShortID(t.Commit())+":"+File, repo)
}

// BaseTree opens the repository holding dir and lists commit ref's tree. The returned
// function closes the repository.
func BaseTree(ctx context.Context, dir, ref string) (*gitsrc.Tree, func(), error) {
	r, err := gitsrc.Open(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	commit, err := r.Resolve(ctx, ref)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	t, err := r.Tree(ctx, commit)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return t, func() { r.Close() }, nil
}

// Change is a file under a folder that differs between the base commit and the
// working tree.
type Change struct {
	Path string // slash-separated, relative to the repository root
	Kind string // added, modified, deleted
}

// Extract copies the files under folder (slash-separated, relative to the repository
// root) of tree t into dst, and lists how the working tree's copy of that folder differs
// from it. found is false when the base has no such folder.
func Extract(t *gitsrc.Tree, folder, dst string) (found bool, changes []Change, err error) {
	folder = path.Clean(folder)
	prefix := folder + "/"
	base := map[string]string{}
	for _, e := range t.Entries() {
		if !strings.HasPrefix(e.Path, prefix) || e.IsDir() {
			continue
		}
		b, err := t.ReadFile(e.Path)
		if err != nil {
			return false, nil, err
		}
		target := filepath.Join(dst, filepath.FromSlash(strings.TrimPrefix(e.Path, prefix)))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return false, nil, err
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			return false, nil, err
		}
		base[e.Path] = e.ID
	}
	found = len(base) > 0
	// The working tree's copy.
	repo := t.Repo()
	disk := map[string]bool{}
	root := filepath.Join(repo.Root(), filepath.FromSlash(folder))
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(repo.Root(), p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		disk[rel] = true
		id, ok := base[rel]
		switch {
		case !ok:
			changes = append(changes, Change{Path: rel, Kind: "added"})
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if repo.HashBlob(b) != id {
				changes = append(changes, Change{Path: rel, Kind: "modified"})
			}
		}
		return nil
	})
	if err != nil {
		return false, nil, err
	}
	for p := range base {
		if !disk[p] {
			changes = append(changes, Change{Path: p, Kind: "deleted"})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return found, changes, nil
}
