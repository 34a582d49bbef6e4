package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/ghactions"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	ghnotify "github.com/terragrunt-olechka/olechka/internal/notify/github"
)

// commentLong is comment's help text.
const commentLong = `comment renders the pull request comment from detect's result, the plan artifacts,
review's gates, validate's findings and the cost diff:

  - the affected units with the reasons detect gave, their plan counts and gates;
  - per unit a collapsible plan, destructive changes first;
  - the findings, errors first; the monthly cost before and after;
  - a Mermaid graph of the affected units.

It keeps one sticky comment per pull request, found and updated through the hidden
marker <!-- olechka:pr-comment -->. A comment longer than GitHub's 65,536 characters
continues in further comments (each with its part number in its marker); past
--max-parts the last part links to the full comment in the run's artifacts. Parts no
longer needed are deleted.

Posting uses GITHUB_TOKEN (pull-requests: write) against GITHUB_API_URL (default
https://api.github.com) for GITHUB_REPOSITORY; the pull request number comes from --pr,
OLECHKA_PR_NUMBER or GITHUB_REF (refs/pull/N/merge). --dry-run posts nothing and
writes the markdown to --out (and each part beside it when there are several).`

// commentOptions are comment's flags.
type commentOptions struct {
	src          comment.Sources
	out          string
	pr, maxParts int
	dryRun       bool
	stepSummary  bool
}

func newCommentCmd(app *App) *cobra.Command {
	o := &commentOptions{}
	cmd := &cobra.Command{
		Use:   "comment [--plans DIR] [--detect FILE] [--findings FILE] [--cost FILE] [--review FILE] [--dry-run]",
		Short: "Post (or update) the pull request comment: affected units, plans, findings, cost, graph",
		Long:  commentLong,
		Example: `  olechka comment --dry-run --plans .olechka/plans --out comment.md
  olechka comment --detect detect.json --plans plans --review review.json \
    --findings validate.json --cost cost.json --out comment.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			run := notify.RunFromEnv(app.Getenv)
			if o.pr > 0 {
				run.PR = o.pr
			}
			in, err := comment.Load(cmd.Context(), run, o.src)
			if err != nil {
				return fmt.Errorf("comment: %w", err)
			}
			parts, err := o.write(app, in)
			if err != nil {
				return err
			}
			if o.dryRun {
				fmt.Fprintf(app.Stdout, "dry run: %d comment part(s) not posted\n", len(parts))
				return nil
			}
			if run.PR == 0 {
				return &ExitError{Code: 1, Err: fmt.Errorf("no pull request: pass --pr N or set OLECHKA_PR_NUMBER (or use --dry-run)")}
			}
			return postComment(cmd.Context(), app, run.PR, parts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.src.Plans, "plans", "", "plan folder written by olechka plan --out")
	f.StringVar(&o.src.Detect, "detect", "", "olechka detect --format json output")
	f.StringVar(&o.src.Findings, "findings", "", "olechka validate --format json output")
	f.StringVar(&o.src.Cost, "cost", "", "cost report (JSON) from olechka validate")
	f.StringVar(&o.src.Review, "review", "", "olechka review --format json output (default: review the plans here)")
	f.StringVar(&o.out, "out", "", "write the full markdown here (default with --dry-run: .olechka/comment.md)")
	f.IntVar(&o.pr, "pr", 0, "pull request number (default: OLECHKA_PR_NUMBER or GITHUB_REF)")
	f.IntVar(&o.maxParts, "max-parts", 4, "comments at most; past that the comment links to the full artifact")
	f.BoolVar(&o.dryRun, "dry-run", false, "post nothing; write the markdown to --out")
	f.BoolVar(&o.stepSummary, "step-summary", false, "also append the comment to $GITHUB_STEP_SUMMARY")
	return cmd
}

// write writes the comment's files (--out; .olechka/comment.md on a dry run) and the
// step summary (--step-summary), and returns the comment's parts.
func (o *commentOptions) write(app *App, in comment.Input) ([]string, error) {
	opt := comment.Options{MaxParts: o.maxParts}
	out := o.out
	if o.dryRun && out == "" {
		out = ".olechka/comment.md"
	}
	if out != "" {
		files, err := comment.WriteFiles(out, in, opt)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			fmt.Fprintln(app.Stdout, "wrote", f)
		}
	}
	if o.stepSummary {
		if err := ghactions.AppendStepSummary(app.Getenv("GITHUB_STEP_SUMMARY"), comment.Full(in)); err != nil {
			return nil, err
		}
	}
	return comment.Render(in, opt), nil
}

// postComment creates or updates olechka's sticky comment (its parts) on pull request pr.
func postComment(ctx context.Context, app *App, pr int, parts []string) error {
	gh, err := ghnotify.FromEnv(app.Getenv)
	if err != nil {
		return err
	}
	res, err := gh.UpsertComment(ctx, pr, parts)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "comment on %s#%s: %s", gh.Repository(), strconv.Itoa(pr), res)
	if res.URL != "" {
		fmt.Fprintf(app.Stdout, " (%s)", res.URL)
	}
	fmt.Fprintln(app.Stdout)
	return nil
}
