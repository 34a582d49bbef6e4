// Package plan plans units with OpenTofu in dependency order and writes plan artifacts
// (internal/artifact): each unit is evaluated with its dependencies' real outputs (read
// from their state as they finish) or their mock_outputs where allowed, planned in a
// working directory the executor prepares, and summarised.
package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/graph"
	"github.com/terragrunt-olechka/olechka/internal/progress"
)

// Env is what plan and apply share: the tree, the tool and the outside world.
type Env struct {
	Root     string // absolute tree root (unit paths are relative to it)
	RepoRoot string // absolute repository root; "" when the tree is not in one
	// UserDir is the folder the user runs olechka from: commands olechka suggests
	// (executor.UnlockCommand) name paths from it. "": absolute paths.
	UserDir     string
	Exec        Tool // OpenTofu (Tofu(executor)); a fake in unit tests
	Getenv      func(string) (string, bool)
	AllowRunCmd bool
	Progress    *progress.Reporter // nil: silent
	Olechka     string             // olechka's version, recorded in artifacts
	Commit      string             // commit being planned, recorded in artifacts
	// Now returns the current time (tests pin it); nil: time.Now.
	Now func() time.Time

	at string // the commit whose written-out tree Root is in (AtCommit); "" for the checkout
}

// At is the commit whose written-out tree this Env's Root lies in (see AtCommit); ""
// for the checkout.
func (e *Env) At() string { return e.at }

// label names a unit in progress lines: units of another commit's tree say so.
func (e *Env) label(unit string) string {
	if e.at == "" {
		return unit
	}
	return unit + " (at " + artifact.ShortID(e.at) + ")"
}

// Time returns the current time in UTC (Env.Now when set).
func (e *Env) Time() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// RootRel is the tree root relative to the repository root (or absolute outside one).
func (e *Env) RootRel() string {
	if e.RepoRoot != "" {
		if r, err := filepath.Rel(e.RepoRoot, e.Root); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return e.Root
}

// Evaluator returns an evaluator for a command ("plan", "apply", "destroy") whose
// dependency outputs come from outputs.
func (e *Env) Evaluator(command string, outputs *Outputs) *config.Evaluator {
	return config.NewEvaluator(config.Options{
		RepoRoot:    e.RepoRoot,
		Getenv:      e.Getenv,
		AllowRunCmd: e.AllowRunCmd,
		Outputs:     outputs.Lookup,
		Command:     command,
		// A dependency outside the tree cannot have its state read: an error, never mocks.
		TreeRoot: e.Root,
		// get_working_dir answers the unit's working directory under the executor's.
		WorkRoot: e.workRoot(),
	})
}

// Tree evaluates every unit for its dependency edges, without reading any state:
// dependency outputs are unknown values there, so no unit fails for lack of them.
func (e *Env) Tree(ctx context.Context) (*config.Tree, error) {
	ev := config.NewEvaluator(config.Options{
		RepoRoot:    e.RepoRoot,
		Getenv:      e.Getenv,
		AllowRunCmd: e.AllowRunCmd,
		Outputs:     unknownOutputs,
		Command:     "plan",
		WorkRoot:    e.workRoot(),
	})
	t, err := ev.Tree(ctx, e.Root)
	if err != nil {
		return nil, err
	}
	if err := t.Err(); err != nil {
		return nil, fmt.Errorf("%d unit(s) do not evaluate:\n%w", len(t.Errors), err)
	}
	return t, nil
}

// workRoot is where the executor prepares working directories ("" without one: then
// get_working_dir answers Terragrunt's cache path, as at render).
func (e *Env) workRoot() string {
	if e.Exec == nil {
		return ""
	}
	return e.Exec.WorkRoot()
}

// Tools records the tool versions for artifacts.
func (e *Env) Tools() artifact.Tools {
	return artifact.Tools{Olechka: e.Olechka, Binary: e.Exec.Name(), Version: e.Exec.Version()}
}

// Outputs holds the units' states as jobs read them, keyed by unit folder; safe for
// concurrent use.
type Outputs struct {
	mu sync.Mutex
	m  map[string]*executor.State
}

// NewOutputs returns an empty store.
func NewOutputs() *Outputs { return &Outputs{m: map[string]*executor.State{}} }

// Set records a unit's state.
func (o *Outputs) Set(dir string, s *executor.State) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.m[dir] = s
}

// State returns a unit's recorded state, or nil.
func (o *Outputs) State(dir string) *executor.State {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.m[dir]
}

// Lookup answers config.Options.Outputs: the unit's outputs when its state has any.
func (o *Outputs) Lookup(dir string) (cty.Value, bool) {
	s := o.State(dir)
	if s == nil || !s.Exists || len(s.Outputs) == 0 {
		return cty.NilVal, false
	}
	v, err := s.OutputsValue()
	if err != nil {
		return cty.NilVal, false
	}
	return v, true
}

// StateRef turns a pulled state into the artifact's reference.
func StateRef(s *executor.State) artifact.StateRef {
	if s == nil || !s.Exists {
		return artifact.StateRef{}
	}
	return artifact.StateRef{Exists: true, Lineage: s.Lineage, Serial: s.Serial}
}

// DependencyUses records, per dependency block, the outputs the unit was evaluated with.
func DependencyUses(root string, u *config.Unit, outputs *Outputs) ([]artifact.DependencyUse, error) {
	var uses []artifact.DependencyUse
	for _, d := range u.Config.Dependency {
		if !d.Enabled {
			continue
		}
		use := artifact.DependencyUse{Name: d.Name, Unit: config.RelPath(root, d.Dir), Mocked: d.Mocked}
		st := outputs.State(d.Dir)
		v := d.Outputs
		if v != cty.NilVal && !v.IsNull() && v.IsKnown() && (v.Type().IsObjectType() || v.Type().IsMapType()) {
			use.Outputs = map[string]artifact.OutputUse{}
			for it := v.ElementIterator(); it.Next(); {
				k, ev := it.Element()
				name := k.AsString()
				ou, err := outputUse(ev)
				if err != nil {
					return nil, fmt.Errorf("dependency %s output %s: %w", d.Name, name, err)
				}
				var real executor.Output
				haveReal := false
				if st != nil {
					real, haveReal = st.Outputs[name]
				}
				if haveReal && real.Sensitive {
					ou.Sensitive = true
					ou.Value = nil
				}
				// An output the state lacks came from mock_outputs.
				ou.Mocked = d.Mocked && !haveReal
				use.Outputs[name] = ou
			}
		}
		uses = append(uses, use)
	}
	sort.Slice(uses, func(i, j int) bool { return uses[i].Name < uses[j].Name })
	return uses, nil
}

func outputUse(v cty.Value) (artifact.OutputUse, error) {
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() {
		return artifact.OutputUse{Hash: "unknown"}, nil
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return artifact.OutputUse{}, err
	}
	// Hash the plain JSON, so a mock ["a"] (a tuple) and a real list ["a"] are equal.
	var plain any
	if err := json.Unmarshal(b, &plain); err != nil {
		return artifact.OutputUse{}, err
	}
	canon, _ := json.Marshal(plain)
	h := sha256.Sum256(canon)
	return artifact.OutputUse{Hash: hex.EncodeToString(h[:]), Value: canon}, nil
}

// subgraph is the dependency graph restricted to a set of units, with each unit's
// dependencies outside the set listed apart.
type subgraph struct {
	g        *graph.Graph
	external map[string][]string // unit -> dependencies outside the set
	waves    map[string]int
	order    [][]string
}

func newSubgraph(full *graph.Graph, set map[string]bool) (*subgraph, error) {
	nodes := map[string][]string{}
	sg := &subgraph{external: map[string][]string{}, waves: map[string]int{}}
	for n := range set {
		for _, d := range full.Deps(n) {
			if set[d] {
				nodes[n] = append(nodes[n], d)
			} else {
				sg.external[n] = append(sg.external[n], d)
			}
		}
		if _, ok := nodes[n]; !ok {
			nodes[n] = nil
		}
	}
	sg.g = graph.New(nodes)
	waves, err := sg.g.Waves()
	if err != nil {
		return nil, err
	}
	sg.order = waves
	for i, w := range waves {
		for _, n := range w {
			sg.waves[n] = i
		}
	}
	return sg, nil
}

// openLog creates a unit's log file.
func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
}

// logf writes an olechka line into a unit's log.
func logf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "# olechka: "+format+"\n", args...)
}

// unknownOutputs stands in for dependency outputs when only a unit's shape (its
// dependencies, backend) is needed.
func unknownOutputs(string) (cty.Value, bool) { return cty.DynamicVal, true }
