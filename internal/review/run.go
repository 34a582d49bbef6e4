package review

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// Options configure Run: `olechka review` and the pipeline's review stage.
type Options struct {
	Plans string // plan folder (olechka plan --out)
	// Root is the tree as it is now, for approval settings and staleness. "" uses the
	// root recorded in the plan folder's run.json (relative to RepoRoot) when it exists.
	Root      string
	RepoRoot  string
	Evaluator *config.Evaluator // nil: no tree is read
	Findings  []finding.Finding
	Head      string // commit under review; "" skips the commit check
	Policy    Policy
	// Trusted, when set, reads the approval rules of the tree at root from a trusted
	// commit (the pull request's base): they replace the change's own (issue 14).
	Trusted func(ctx context.Context, root string) (*Trusted, error)
}

// Result is what `olechka review --format json` prints (review.json).
type Result struct {
	Root      string       `json:"root,omitempty"`
	Decisions []Decision   `json:"decisions"`
	Groups    []ApplyGroup `json:"groups"`
	Summary   map[Gate]int `json:"summary"`
	// TreeErrors lists units of the tree that failed to evaluate (their plans are
	// reviewed without approval settings and staleness).
	TreeErrors []string `json:"tree_errors,omitempty"`
	// Warnings name the review rules this change tried to change (Options.Trusted).
	Warnings []string `json:"warnings,omitempty"`
}

// Run reads the plans and decides every unit's gate; it returns the plans it read.
func Run(ctx context.Context, o Options) (*Result, []*artifact.Plan, error) {
	plans, err := artifact.ReadDir(o.Plans)
	if err != nil {
		return nil, nil, err
	}
	res := &Result{}
	tree, err := o.tree(ctx, res)
	if err != nil {
		return nil, nil, err
	}
	units := Units(plans, tree, o.Findings, o.Head)
	if o.Trusted != nil {
		if res.Warnings, err = o.enforceTrusted(ctx, res.Root, units); err != nil {
			return nil, nil, err
		}
	}
	res.Decisions = Decide(units, o.Policy)
	res.Groups = Groups(res.Decisions)
	if res.Groups == nil {
		res.Groups = []ApplyGroup{}
	}
	res.Summary = Summary(res.Decisions)
	return res, plans, nil
}

// tree evaluates the tree the plans are reviewed against (nil without an Evaluator or
// a root), recording its root and the units that failed to evaluate in res.
func (o Options) tree(ctx context.Context, res *Result) (*config.Tree, error) {
	if o.Evaluator == nil {
		return nil, nil
	}
	root := o.Root
	if root != "" {
		if _, err := os.Stat(root); err != nil {
			return nil, fmt.Errorf("tree root: %w", err)
		}
	} else if run, err := artifact.ReadRun(o.Plans); err == nil && run.Root != "" && o.RepoRoot != "" {
		// The tree the plans were made from, when it is here.
		if d := filepath.Join(o.RepoRoot, filepath.FromSlash(run.Root)); dirExists(d) {
			root = d
		}
	}
	if root == "" {
		return nil, nil
	}
	tree, err := o.Evaluator.Tree(ctx, root)
	if err != nil {
		return nil, fmt.Errorf("evaluating %s: %w", root, err)
	}
	res.Root = root
	for _, e := range tree.Errors {
		res.TreeErrors = append(res.TreeErrors, e.Error())
	}
	return tree, nil
}

// enforceTrusted replaces the units' approval rules with those of the trusted commit
// (o.Trusted) and returns the warnings naming what the change tried to change.
func (o Options) enforceTrusted(ctx context.Context, root string, units []Unit) ([]string, error) {
	if root == "" {
		return nil, fmt.Errorf("review: the rules of the trusted commit need the tree: pass PATH")
	}
	t, err := o.Trusted(ctx, root)
	if err != nil {
		return nil, fmt.Errorf("review: reading the approval rules from the trusted commit: %w", err)
	}
	return t.Enforce(units, o.Policy), nil
}

// ReadResult reads `olechka review --format json` output (review.json).
func ReadResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not olechka review's JSON output: %w", path, err)
	}
	return &r, nil
}

// Units builds review's input from plan artifacts, the tree as it is now (for approval
// settings and staleness; nil skips both) and validate's findings.
func Units(plans []*artifact.Plan, tree *config.Tree, findings []finding.Finding, head string) []Unit {
	byUnit := finding.ByUnit(findings)
	out := make([]Unit, 0, len(plans))
	for _, p := range plans {
		m := p.Metadata
		u := Unit{Path: m.Unit, Env: m.Env, Tier: m.Tier, AccountID: m.AccountID, Plan: p, Head: head, Findings: byUnit[m.Unit]}
		if tree != nil {
			if cu := tree.Unit(m.Unit); cu != nil {
				u.fromTree(cu)
			}
		}
		out = append(out, u)
	}
	return out
}

// fromTree fills in what the tree as it is now says of the unit: its approval settings,
// its fingerprint and the env, tier and account its plan did not record.
func (u *Unit) fromTree(cu *config.Unit) {
	u.Approval, u.Environment, u.ApprovalEnvironment = Approval(cu)
	// The fingerprint covers the dependency outputs a plan read from state, which
	// review does not read: compare it only for units without dependency blocks.
	// olechka apply checks every unit against its state.
	if len(cu.Config.Dependency) == 0 {
		u.Fingerprint = cu.Fingerprint
	}
	if u.Env == "" {
		u.Env = cu.Env
	}
	if u.Tier == "" {
		u.Tier = cu.Tier
	}
	if u.AccountID == "" {
		u.AccountID = cu.AccountID
	}
}

// Decisions returns review's decisions from review.json (file), or, without one, a
// review of the plans without a tree (the default policy; head "" skips the commit
// check).
func Decisions(file string, plans []*artifact.Plan, findings []finding.Finding, head string) ([]Decision, error) {
	if file != "" {
		r, err := ReadResult(file)
		if err != nil {
			return nil, err
		}
		return r.Decisions, nil
	}
	return Decide(Units(plans, nil, findings, head), DefaultPolicy()), nil
}

func dirExists(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}
