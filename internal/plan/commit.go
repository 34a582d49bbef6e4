package plan

import (
	"context"
	"fmt"
	"sync"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
)

// Commit is one commit's tree with its evaluators and the outputs its units' states
// give as jobs read them: the checkout, or the tree of a base commit written out
// (Env.AtCommit) for the destroys of units removed since. Plan and apply run each set
// of units in one.
type Commit struct {
	Env     *Env
	Tree    *config.Tree
	Outputs *Outputs

	mu    sync.Mutex
	evals map[string]*config.Evaluator
}

// NewCommit returns the commit of env's tree, evaluated as tree, with no outputs read yet.
func NewCommit(env *Env, tree *config.Tree) *Commit {
	return &Commit{Env: env, Tree: tree, Outputs: NewOutputs(), evals: map[string]*config.Evaluator{}}
}

// Evaluator returns the commit's evaluator for a command ("plan", "apply", "destroy"),
// whose dependency outputs come from c.Outputs; one per command, made on first use.
func (c *Commit) Evaluator(command string) *config.Evaluator {
	c.mu.Lock()
	defer c.mu.Unlock()
	ev, ok := c.evals[command]
	if !ok {
		ev = c.Env.Evaluator(command, c.Outputs)
		c.evals[command] = ev
	}
	return ev
}

// Unit finds a unit of the commit's tree by path, or evaluates one outside the root.
func (c *Commit) Unit(ctx context.Context, path string) (*config.Unit, error) {
	if u := c.Tree.Unit(path); u != nil {
		return u, nil
	}
	if at := c.Env.At(); at != "" {
		// A unit that does not evaluate at the base commit: say why.
		if err := c.Tree.Err(); err != nil {
			return nil, fmt.Errorf("%s does not evaluate at %s:\n%w", path, artifact.ShortID(at), err)
		}
	}
	return EvalOutside(ctx, c.Env, path)
}
