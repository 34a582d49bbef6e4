package cli

import (
	"cmp"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/ghactions"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// reviewLong is review's help text.
const reviewLong = `review reads the plan artifacts in --plans and gives every unit a gate:

  blocked  the plan failed or was skipped, a policy denies it (--findings from
           olechka validate --format json), the plan is stale (the unit's configuration
           changed since it was planned, or it was made at another commit than --head),
           or a dependency is blocked. Nothing is applied.
  manual   an approval is needed: the tier says so (approval = "manual" in env.hcl;
           production-like tiers default to manual when env.hcl sets nothing), or the
           plan deletes or replaces resources (in every tier), or the unit was removed.
  auto     applied without a human.

Each unit also gets the GitHub environment its apply job runs in (the env's name; a
manual gate in an auto tier runs in "<env>-approval", a protected environment with
required reviewers) and the OIDC role ARNs of its account
(arn:aws:iam::<account>:role/<--plan-role-name|--apply-role-name>).

PATH is the tree as it is now (default: the root recorded in the plan folder), read for
approval settings and staleness. With --rules-base REF (default $OLECHKA_TRUSTED_REF, which
the workflows set to a pull request's base commit) the approval settings are read from
REF's tree instead (git objects): a change cannot relax the rule that gates it; each rule
it changes is a warning and a note in the unit's reasons (docs/security.md). --format github writes the apply matrix (one entry per
env with changes: env, environment, account_id, apply_role_arn, units) to $GITHUB_OUTPUT
as "matrix", plus has_applies, blocked and manual, and a table to $GITHUB_STEP_SUMMARY.`

// reviewOptions are review's flags.
type reviewOptions struct {
	plans, findings, head, format, out string
	rulesBase                          string
	failOnBlocked                      bool
	policy                             review.Policy
	eval                               evalFlags
}

func (o *reviewOptions) validate() error {
	switch o.format {
	case "text", "json", "github":
		return nil
	}
	return fmt.Errorf("unknown --format %q: use text, json or github", o.format)
}

func newReviewCmd(app *App) *cobra.Command {
	o := &reviewOptions{policy: review.DefaultPolicy()}
	cmd := &cobra.Command{
		Use:   "review --plans DIR [--format text|json|github] [PATH]",
		Short: "Decide per planned unit whether it applies automatically, needs approval or is blocked",
		Long:  reviewLong,
		Example: `  olechka review --plans .olechka/plans
  olechka review --plans plans --findings validate.json --head "$GITHUB_SHA" --format github live
  olechka review --plans plans --format json --out review.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			opts, err := o.options(app, args)
			if err != nil {
				return err
			}
			res, _, err := review.Run(cmd.Context(), opts)
			if err != nil {
				return fmt.Errorf("review: %w", err)
			}
			if err := showReview(app, res, o.format, o.out); err != nil {
				return err
			}
			if o.failOnBlocked && res.Summary[review.Blocked] > 0 {
				return &ExitError{Code: 2, Err: fmt.Errorf("%d unit(s) blocked", res.Summary[review.Blocked])}
			}
			return nil
		},
	}
	o.register(cmd)
	return cmd
}

func (o *reviewOptions) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.plans, "plans", ".olechka/plans", "plan folder written by olechka plan --out")
	cmd.Flags().StringVar(&o.findings, "findings", "", "validate's JSON output; policy errors block their units")
	cmd.Flags().StringVar(&o.head, "head", "", "commit under review; plans made at another commit are stale")
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text, json or github")
	cmd.Flags().StringVar(&o.out, "out", "", "also write the JSON result to this file (for comment and notify)")
	cmd.Flags().StringVar(&o.rulesBase, "rules-base", "", "read approval rules (env.hcl approval, tier, GitHub environments) from this commit, not the checkout (default $OLECHKA_TRUSTED_REF; a pull request's base)")
	cmd.Flags().BoolVar(&o.failOnBlocked, "fail-on-blocked", false, "exit 2 when any unit is blocked")
	cmd.Flags().StringVar(&o.policy.PlanRoleName, "plan-role-name", o.policy.PlanRoleName, "IAM role the plan jobs assume in every account (github-oidc module)")
	cmd.Flags().StringVar(&o.policy.ApplyRoleName, "apply-role-name", o.policy.ApplyRoleName, "IAM role the apply jobs assume in every account (github-oidc module)")
	cmd.Flags().StringVar(&o.policy.ApprovalSuffix, "approval-suffix", o.policy.ApprovalSuffix, "suffix of the protected environment for manual gates in auto tiers")
	cmd.Flags().StringSliceVar(&o.policy.ManualTiers, "manual-tiers", o.policy.ManualTiers, "tiers that need approval when env.hcl sets no approval")
	cmd.Flags().StringVar(&o.policy.Partition, "partition", o.policy.Partition, "AWS partition of the role ARNs")
	o.eval.register(cmd)
}

// options are review.Run's options: the tree (PATH), the repository it is in, its
// evaluator, the trusted rules and the findings file read.
func (o *reviewOptions) options(app *App, args []string) (review.Options, error) {
	opts := review.Options{Plans: o.plans, Head: o.head, Policy: o.policy}
	if len(args) > 0 {
		root, err := pathArg(args)
		if err != nil {
			return opts, err
		}
		opts.Root = root
	}
	wd, _ := os.Getwd()
	opts.RepoRoot = repoRoot(wd)
	opts.Evaluator = o.eval.evaluator(app, opts.RepoRoot)
	opts.Trusted = trustedRules(app, &o.eval, cmp.Or(o.rulesBase, app.Getenv("OLECHKA_TRUSTED_REF")))
	if o.findings != "" {
		fs, err := finding.ReadFile(o.findings)
		if err != nil {
			return opts, fmt.Errorf("reading findings: %w", err)
		}
		opts.Findings = fs
	}
	return opts, nil
}

// showReview is review's view: warnings, the JSON file (--out), and the result as
// --format asks (text, json, or GitHub step outputs and summary).
func showReview(app *App, res *review.Result, format, out string) error {
	for _, e := range append(res.TreeErrors, res.Warnings...) {
		fmt.Fprintln(app.Stderr, "warning: "+e)
	}
	if out != "" {
		if err := artifact.WriteJSONFile(out, res); err != nil {
			return err
		}
	}
	switch format {
	case "json":
		return writeJSON(app, res)
	case "github":
		outs, err := res.GitHubOutputs()
		if err != nil {
			return err
		}
		if err := ghactions.WriteOutput(app.Getenv("GITHUB_OUTPUT"), outs...); err != nil {
			return err
		}
		if err := ghactions.AppendStepSummary(app.Getenv("GITHUB_STEP_SUMMARY"), res.Markdown()); err != nil {
			return err
		}
	}
	fmt.Fprint(app.Stdout, res.Text())
	return nil
}
