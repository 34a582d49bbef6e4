package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/trust"
)

// trustedRules returns how review reads the approval rules (env.hcl approval, tier, the
// GitHub environments) from commit ref instead of the checkout (issue 14): the tree at
// root as ref has it, read from git objects, evaluated as render does. "" ref: nil, the
// checkout is trusted (a push to main, a developer's machine).
func trustedRules(app *App, f *evalFlags, ref string) func(ctx context.Context, root string) (*review.Trusted, error) {
	if ref == "" {
		return nil
	}
	return func(ctx context.Context, root string) (*review.Trusted, error) {
		t, closeRepo, err := trust.BaseTree(ctx, root, ref)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref, err)
		}
		defer closeRepo()
		repo := t.Repo().Root()
		ev := config.NewEvaluator(config.Options{
			FS:          gitOverlay{tree: config.FromFS(t, repo), root: repo},
			RepoRoot:    repo,
			Getenv:      lookupEnv(app),
			AllowRunCmd: f.allowRunCmd,
			Render:      true,
		})
		tree, err := ev.Tree(ctx, root)
		if err != nil {
			return nil, fmt.Errorf("evaluating %s at %s: %w", root, ref, err)
		}
		commit := t.Commit()
		if len(commit) > 12 {
			commit = commit[:12]
		}
		return review.TrustedRules(tree, "the base commit "+commit), nil
	}
}

// gitOverlay reads the repository from a commit's tree and anything outside it from
// disk (a path outside the repository is the same for both sides).
type gitOverlay struct {
	tree config.FileSystem
	root string
}

func (o gitOverlay) in(name string) bool {
	name = filepath.Clean(name)
	return name == o.root || strings.HasPrefix(name, o.root+string(filepath.Separator))
}

func (o gitOverlay) ReadFile(name string) ([]byte, error) {
	if o.in(name) {
		return o.tree.ReadFile(name)
	}
	return os.ReadFile(name)
}

func (o gitOverlay) Stat(name string) (fs.FileInfo, error) {
	if o.in(name) {
		return o.tree.Stat(name)
	}
	return os.Stat(name)
}

func (o gitOverlay) ReadDir(name string) ([]fs.DirEntry, error) {
	if o.in(name) {
		return o.tree.ReadDir(name)
	}
	return os.ReadDir(name)
}
