package graph

import (
	"github.com/terragrunt-olechka/olechka/internal/config"
)

// FromTree builds the graph of a tree's units, keyed by unit path. Dependencies on
// folders that are not units of the tree are reported by Missing. Units that did not
// evaluate (Tree.Broken) are nodes without dependencies of their own, so the edges of
// the units that depend on them stay.
func FromTree(t *config.Tree) *Graph {
	byDir := map[string]string{}
	for _, u := range t.Units {
		byDir[u.Dir] = u.Path
	}
	nodes := map[string][]string{}
	for _, u := range t.Units {
		var deps []string
		for _, d := range u.DependencyDirs() {
			if p, ok := byDir[d]; ok {
				deps = append(deps, p)
			} else {
				deps = append(deps, config.RelPath(t.Root, d))
			}
		}
		nodes[u.Path] = deps
	}
	for _, p := range t.Broken {
		if _, ok := nodes[p]; !ok {
			nodes[p] = nil
		}
	}
	return New(nodes)
}
