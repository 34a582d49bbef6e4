package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/ghactions"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// ReviewOptions configure Review.
type ReviewOptions struct {
	Plans string // plan folder (olechka plan --out)
	// Root is the tree as it is now, for approval settings and staleness. "" uses the
	// root recorded in the plan folder's run.json (relative to RepoRoot) when it exists.
	Root      string
	RepoRoot  string
	Evaluator *config.Evaluator // nil: no tree is read
	Findings  []finding.Finding
	Head      string // commit under review; "" skips the commit check
	Policy    review.Policy
	// Trusted, when set, reads the approval rules of the tree at root from a trusted
	// commit (the pull request's base): they replace the change's own (issue 14).
	Trusted func(ctx context.Context, root string) (*review.Trusted, error)
}

// ReviewResult is what `olechka review --format json` prints.
type ReviewResult struct {
	Root      string              `json:"root,omitempty"`
	Decisions []review.Decision   `json:"decisions"`
	Groups    []review.ApplyGroup `json:"groups"`
	Summary   map[review.Gate]int `json:"summary"`
	// TreeErrors lists units of the tree that failed to evaluate (their plans are
	// reviewed without approval settings and staleness).
	TreeErrors []string `json:"tree_errors,omitempty"`
	// Warnings name the review rules this change tried to change (ReviewOptions.Trusted).
	Warnings []string `json:"warnings,omitempty"`
}

// Review reads the plans and decides every unit's gate.
func Review(ctx context.Context, o ReviewOptions) (*ReviewResult, []*artifact.Plan, error) {
	plans, err := artifact.ReadDir(o.Plans)
	if err != nil {
		return nil, nil, err
	}
	res := &ReviewResult{}
	var tree *config.Tree
	if o.Evaluator != nil {
		root := o.Root
		if root != "" {
			if _, err := os.Stat(root); err != nil {
				return nil, nil, fmt.Errorf("tree root: %w", err)
			}
		} else if run, err := artifact.ReadRun(o.Plans); err == nil && run.Root != "" && o.RepoRoot != "" {
			// The tree the plans were made from, when it is here.
			if d := filepath.Join(o.RepoRoot, filepath.FromSlash(run.Root)); dirExists(d) {
				root = d
			}
		}
		if root != "" {
			tree, err = o.Evaluator.Tree(ctx, root)
			if err != nil {
				return nil, nil, fmt.Errorf("evaluating %s: %w", root, err)
			}
			res.Root = root
			for _, e := range tree.Errors {
				res.TreeErrors = append(res.TreeErrors, e.Error())
			}
		}
	}
	units := ReviewUnits(plans, tree, o.Findings, o.Head)
	if o.Trusted != nil {
		if res.Warnings, err = enforceTrusted(ctx, o, res.Root, units); err != nil {
			return nil, nil, err
		}
	}
	res.Decisions = review.Decide(units, o.Policy)
	res.Groups = review.Groups(res.Decisions)
	if res.Groups == nil {
		res.Groups = []review.ApplyGroup{}
	}
	res.Summary = review.Summary(res.Decisions)
	return res, plans, nil
}

// ReadReview reads `olechka review --format json` output.
func ReadReview(path string) (*ReviewResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r ReviewResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not olechka review's JSON output: %w", path, err)
	}
	return &r, nil
}

// Text renders decisions for a terminal.
func (r *ReviewResult) Text() string {
	var b strings.Builder
	for _, d := range r.Decisions {
		fmt.Fprintf(&b, "%-8s %s", d.Gate, d.Unit)
		if d.HasChanges {
			fmt.Fprintf(&b, "  [%s]", d.Counts)
		}
		fmt.Fprintf(&b, "  env=%s", d.Environment)
		if d.ApplyRoleARN != "" {
			fmt.Fprintf(&b, "  role=%s", d.ApplyRoleARN)
		}
		b.WriteString("\n")
		for _, why := range d.Reasons {
			fmt.Fprintf(&b, "           %s\n", why)
		}
	}
	fmt.Fprintf(&b, "\n%d auto, %d manual, %d blocked; %d apply job(s)\n",
		r.Summary[review.Auto], r.Summary[review.Manual], r.Summary[review.Blocked], len(r.Groups))
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "  apply %s in environment %s: %s\n", g.Env, g.Environment, g.UnitsArg)
	}
	return b.String()
}

// Markdown renders decisions for a job summary.
func (r *ReviewResult) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### olechka review: %d auto, %d manual, %d blocked\n\n",
		r.Summary[review.Auto], r.Summary[review.Manual], r.Summary[review.Blocked])
	b.WriteString("| Gate | Unit | Plan | Environment | Why |\n|---|---|---|---|---|\n")
	for _, d := range r.Decisions {
		icon := map[review.Gate]string{review.Auto: "✅", review.Manual: "⏸️", review.Blocked: "⛔"}[d.Gate]
		plan := "no changes"
		if d.HasChanges {
			plan = "`" + d.Counts.String() + "`"
		}
		fmt.Fprintf(&b, "| %s %s | `%s` | %s | `%s` | %s |\n", icon, d.Gate, d.Unit, plan, d.Environment,
			strings.ReplaceAll(strings.Join(d.Reasons, "<br>"), "|", "\\|"))
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n**Review rules changed by this change** (the base commit's rules judge it):\n\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "- ⚠️ %s\n", w)
		}
	}
	if len(r.Groups) > 0 {
		b.WriteString("\n**Apply jobs**\n\n")
		for _, g := range r.Groups {
			fmt.Fprintf(&b, "- `%s` in environment `%s` (role `%s`): %d unit(s)\n", g.Env, g.Environment, g.ApplyRoleARN, len(g.Units))
		}
	}
	return b.String()
}

// GitHubOutputs are review's step outputs: the apply matrix and counts.
func (r *ReviewResult) GitHubOutputs() ([]ghactions.Output, error) {
	m, err := json.Marshal(map[string]any{"include": r.Groups})
	if err != nil {
		return nil, err
	}
	return []ghactions.Output{
		{Name: "matrix", Value: string(m)},
		{Name: "has_applies", Value: fmt.Sprint(len(r.Groups) > 0)},
		{Name: "blocked", Value: fmt.Sprint(r.Summary[review.Blocked])},
		{Name: "manual", Value: fmt.Sprint(r.Summary[review.Manual])},
	}, nil
}

func dirExists(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}
