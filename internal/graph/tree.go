package graph

import (
	"github.com/terragrunt-olechka/olechka/internal/config"
)

// FromTree builds the graph of a tree's units, keyed by unit path. Dependencies on
// folders that are not units of the tree are reported by Missing.
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
	return New(nodes)
}
