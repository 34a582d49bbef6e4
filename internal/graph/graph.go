// Package graph orders units by their dependencies: waves for apply (every unit after
// all it depends on), reverse waves for destroy, and cycles named in full.
package graph

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Graph is a dependency graph: each node lists the nodes it depends on.
type Graph struct {
	deps       map[string][]string // node -> what it depends on (known nodes only)
	dependents map[string][]string // node -> what depends on it
	nodes      []string            // sorted
	missing    map[string][]string // node -> dependencies that are not nodes
}

// New builds a graph from node -> dependencies. Dependencies that are not nodes
// themselves are kept aside (see Missing) and do not order anything.
func New(nodes map[string][]string) *Graph {
	g := &Graph{
		deps:       map[string][]string{},
		dependents: map[string][]string{},
		missing:    map[string][]string{},
	}
	for n := range nodes {
		g.nodes = append(g.nodes, n)
	}
	sort.Strings(g.nodes)
	for _, n := range g.nodes {
		seen := map[string]bool{}
		for _, d := range nodes[n] {
			if seen[d] {
				continue
			}
			seen[d] = true
			if _, ok := nodes[d]; !ok {
				g.missing[n] = append(g.missing[n], d)
				continue
			}
			g.deps[n] = append(g.deps[n], d)
			g.dependents[d] = append(g.dependents[d], n)
		}
		sort.Strings(g.deps[n])
	}
	for _, n := range g.nodes {
		sort.Strings(g.dependents[n])
	}
	return g
}

// Nodes returns every node, sorted.
func (g *Graph) Nodes() []string { return g.nodes }

// Deps returns the direct dependencies of n.
func (g *Graph) Deps(n string) []string { return g.deps[n] }

// Missing returns, per node, the dependencies that are not in the graph.
func (g *Graph) Missing() map[string][]string { return g.missing }

// CycleError names every node of each dependency cycle.
type CycleError struct {
	Cycles [][]string // each cycle as a path that returns to its first node
}

func (e *CycleError) Error() string {
	parts := make([]string, len(e.Cycles))
	for i, c := range e.Cycles {
		parts[i] = strings.Join(c, " -> ")
	}
	return "dependency cycle: " + strings.Join(parts, "; ")
}

// Waves returns the apply order: wave 0 holds nodes with no dependencies, wave N nodes
// whose dependencies are all in earlier waves. Nodes in a wave are sorted.
func (g *Graph) Waves() ([][]string, error) {
	if err := g.cycles(); err != nil {
		return nil, err
	}
	return g.layers(g.deps), nil
}

// ReverseWaves returns the destroy order: every node before the nodes it depends on.
func (g *Graph) ReverseWaves() ([][]string, error) {
	if err := g.cycles(); err != nil {
		return nil, err
	}
	return g.layers(g.dependents), nil
}

// layers puts each node one layer after the deepest of the nodes it points to in
// edges. The graph must be acyclic.
func (g *Graph) layers(edges map[string][]string) [][]string {
	level := map[string]int{}
	var depth func(n string) int
	depth = func(n string) int {
		if l, ok := level[n]; ok {
			return l
		}
		l := 0
		for _, d := range edges[n] {
			l = max(l, depth(d)+1)
		}
		level[n] = l
		return l
	}
	var waves [][]string
	for _, n := range g.nodes {
		l := depth(n)
		for len(waves) <= l {
			waves = append(waves, nil)
		}
		waves[l] = append(waves[l], n)
	}
	return waves
}

// WaveOf returns each node's apply wave.
func (g *Graph) WaveOf() (map[string]int, error) {
	waves, err := g.Waves()
	if err != nil {
		return nil, err
	}
	m := map[string]int{}
	for i, w := range waves {
		for _, n := range w {
			m[n] = i
		}
	}
	return m, nil
}

// Dependents returns every node that depends on n, directly or not, sorted.
func (g *Graph) Dependents(n string) []string { return reach(g.dependents, n) }

// Dependencies returns every node n depends on, directly or not, sorted.
func (g *Graph) Dependencies(n string) []string { return reach(g.deps, n) }

// reach returns the nodes reachable from n through edges, sorted.
func reach(edges map[string][]string, n string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(x string) {
		for _, d := range edges[x] {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(n)
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// cycles finds the strongly connected components with more than one node (or a
// self-edge) with Tarjan's algorithm and reports one cycle through each.
func (g *Graph) cycles() error {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var sccs [][]string
	i := 0
	var strong func(v string)
	strong = func(v string) {
		index[v], low[v] = i, i
		i++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range g.deps[v] {
			if _, ok := index[w]; !ok {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var scc []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				scc = append(scc, w)
				if w == v {
					break
				}
			}
			if len(scc) > 1 || slices.Contains(g.deps[v], v) {
				sccs = append(sccs, scc)
			}
		}
	}
	for _, n := range g.nodes {
		if _, ok := index[n]; !ok {
			strong(n)
		}
	}
	if len(sccs) == 0 {
		return nil
	}
	err := &CycleError{}
	for _, scc := range sccs {
		err.Cycles = append(err.Cycles, g.cycleThrough(scc))
	}
	sort.Slice(err.Cycles, func(a, b int) bool { return err.Cycles[a][0] < err.Cycles[b][0] })
	return err
}

// cycleThrough returns a cycle visiting every node of a strongly connected component
// where one exists along a simple walk, else the shortest cycle through its first node;
// either way every node of the component is named.
func (g *Graph) cycleThrough(scc []string) []string {
	in := map[string]bool{}
	for _, n := range scc {
		in[n] = true
	}
	sort.Strings(scc)
	start := scc[0]
	// Depth-first search for a simple cycle from start covering the component.
	var best []string
	var path []string
	visited := map[string]bool{}
	var dfs func(v string) bool
	dfs = func(v string) bool {
		path = append(path, v)
		visited[v] = true
		for _, w := range g.deps[v] {
			if !in[w] {
				continue
			}
			if w == start {
				c := append(append([]string{}, path...), start)
				if len(c) > len(best) {
					best = c
				}
				if len(path) == len(scc) {
					return true
				}
				continue
			}
			if !visited[w] && dfs(w) {
				return true
			}
		}
		path = path[:len(path)-1]
		visited[v] = false
		return false
	}
	if len(scc) <= 12 {
		dfs(start)
	}
	if len(best) == len(scc)+1 {
		return best
	}
	// Not Hamiltonian (or too large to search): name the whole component in order.
	return append(append([]string{}, scc...), start)
}

// Validate reports missing dependencies as an error.
func (g *Graph) Validate() error {
	if len(g.missing) == 0 {
		return nil
	}
	var lines []string
	for _, n := range g.nodes {
		for _, d := range g.missing[n] {
			lines = append(lines, fmt.Sprintf("%s depends on %s, which is not a unit of this tree", n, d))
		}
	}
	return fmt.Errorf("%s", strings.Join(lines, "\n"))
}
