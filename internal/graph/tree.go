package graph

import (
	"path/filepath"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// FromTree builds the graph of a tree's units, keyed by unit path. Dependencies on
// folders that are not units of the tree are reported by Missing. Units that did not
// evaluate (Tree.Broken) are nodes without dependencies of their own, so the edges of
// the units that depend on them stay; with a render evaluation (Tree.BrokenDeps)
// they keep the edges a partial parse finds, as Terragrunt's discovery does.
func FromTree(t *config.Tree) *Graph {
	byDir := map[string]string{}
	for _, u := range t.Units {
		byDir[u.Dir] = u.Path
	}
	for _, p := range t.Broken {
		byDir[filepath.Join(t.Root, filepath.FromSlash(p))] = p
	}
	// real maps the units' folders with symlinks resolved, built on the first
	// dependency that names no unit folder: a dependency reached through a symlinked
	// folder is the unit it points to, as Terragrunt resolves it.
	var real map[string]string
	unit := func(d string) (string, bool) {
		if p, ok := byDir[d]; ok {
			return p, true
		}
		r, err := filepath.EvalSymlinks(d)
		if err != nil {
			return "", false
		}
		if real == nil {
			real = map[string]string{}
			for dir, p := range byDir {
				if rd, err := filepath.EvalSymlinks(dir); err == nil {
					if _, dup := real[rd]; !dup || dir == rd {
						real[rd] = p
					}
				}
			}
		}
		p, ok := real[r]
		return p, ok
	}
	rel := func(dirs []string) []string {
		var deps []string
		seen := map[string]bool{}
		for _, d := range dirs {
			p, ok := unit(d)
			if !ok {
				p = config.RelPath(t.Root, d)
			}
			if !seen[p] {
				seen[p] = true
				deps = append(deps, p)
			}
		}
		return deps
	}
	nodes := map[string][]string{}
	for _, u := range t.Units {
		nodes[u.Path] = rel(u.DependencyDirs())
	}
	for _, p := range t.Broken {
		if _, ok := nodes[p]; !ok {
			// The edges a partial parse found (render and graph) to units of the
			// tree, or none: a broken unit must not make the graph invalid.
			var deps []string
			for _, d := range t.BrokenDeps[p] {
				if q, ok := unit(d); ok {
					deps = append(deps, q)
				}
			}
			nodes[p] = deps
		}
	}
	return New(nodes)
}
