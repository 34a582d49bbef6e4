package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	ghnotify "github.com/terragrunt-olechka/olechka/internal/notify/github"
	"github.com/terragrunt-olechka/olechka/internal/notify/slack"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

func newNotifyCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify slack|drift",
		Short: "Report plan, apply and drift results to Slack and GitHub issues",
		Long: `notify reports a run's results:

  notify slack   a Block Kit message for the plan or apply stage (links to the run, the
                 pull request and the commit; one line per unit) to SLACK_WEBHOOK_URL
  notify drift   after a scheduled plan of every unit: one GitHub issue per drifted unit
                 (opened, updated, closed when the drift is gone) and a Slack summary

Links come from GitHub Actions' variables (GITHUB_SERVER_URL, GITHUB_REPOSITORY,
GITHUB_RUN_ID, GITHUB_SHA, GITHUB_REF). Secrets (SLACK_WEBHOOK_URL, GITHUB_TOKEN)
are read from the environment and never printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newNotifySlackCmd(app), newNotifyDriftCmd(app))
	return cmd
}

// postSlack posts a report, or prints it when no webhook is configured or on a dry run.
func postSlack(cmd *cobra.Command, app *App, rep notify.Report, dryRun, require bool) error {
	msg := slack.Build(rep)
	if dryRun {
		b, err := msg.JSON()
		if err != nil {
			return err
		}
		fmt.Fprintf(app.Stdout, "dry run: the Slack message would be:\n%s\n", b)
		return nil
	}
	c, err := slack.FromEnv(app.Getenv)
	if errors.Is(err, slack.ErrNoWebhook) && !require {
		fmt.Fprintf(app.Stdout, "%s is not set: nothing posted to Slack. The message would say: %s\n", slack.EnvWebhook, msg.Text)
		return nil
	}
	if err != nil {
		return err
	}
	if err := c.Post(cmd.Context(), msg); err != nil {
		return err
	}
	fmt.Fprintln(app.Stdout, "posted to Slack:", msg.Text)
	return nil
}

func newNotifySlackCmd(app *App) *cobra.Command {
	var (
		stage, plans, reviewFile string
		dryRun, require          bool
	)
	cmd := &cobra.Command{
		Use:   "slack --stage plan|apply --plans DIR [--review FILE] [--dry-run]",
		Short: "Post the plan or apply results to Slack (SLACK_WEBHOOK_URL)",
		Long: `slack builds a Block Kit message from the plan artifacts in --plans (with apply's
results when --stage apply) and review's gates (--review, or a review of the plans
without a tree), and posts it to the incoming webhook in SLACK_WEBHOOK_URL. Rate limits
and server errors are retried with exponential backoff (5 attempts at most). Without
a webhook it prints the message's summary and exits 0 (--require makes that an error).`,
		Example: `  olechka notify slack --stage plan --plans plans --review review.json
  olechka notify slack --stage apply --plans plans --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if stage != "plan" && stage != "apply" {
				return fmt.Errorf("unknown --stage %q: use plan or apply", stage)
			}
			ps, err := artifact.ReadDir(plans)
			if err != nil {
				return err
			}
			ds, err := review.Decisions(reviewFile, ps, nil, "")
			if err != nil {
				return err
			}
			run := notify.RunFromEnv(app.Getenv)
			rep := notify.PlanReport(run, ps, ds)
			if stage == "apply" {
				rep = notify.ApplyReport(run, ps, ds)
			}
			if u := run.RunURL(); u != "" {
				rep.ArtifactsURL = u + "#artifacts"
			}
			fmt.Fprint(app.Stdout, rep.Text())
			return postSlack(cmd, app, rep, dryRun, require)
		},
	}
	cmd.Flags().StringVar(&stage, "stage", "plan", "plan or apply")
	cmd.Flags().StringVar(&plans, "plans", ".olechka/plans", "plan folder (with apply results for --stage apply)")
	cmd.Flags().StringVar(&reviewFile, "review", "", "olechka review --format json output")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the message's JSON instead of posting it")
	cmd.Flags().BoolVar(&require, "require", false, "fail when SLACK_WEBHOOK_URL is not set")
	return cmd
}

func newNotifyDriftCmd(app *App) *cobra.Command {
	var (
		plans, label                    string
		dryRun, noSlack, noIssues, fail bool
	)
	cmd := &cobra.Command{
		Use:   "drift --plans DIR [--dry-run] [PATH]",
		Short: "Open, update and close one GitHub issue per drifted unit; post a Slack summary",
		Long: `drift reads the plans of a drift check (olechka plan of every unit on the default
branch) and treats a unit whose plan is not empty as drifted. It keeps one open issue
per drifted unit, labelled --label and tied to the unit by a hidden marker: opened when
the drift appears, updated while it lasts, closed with a comment when a check plans no
changes for the unit (or the unit is no longer in the tree under PATH; without PATH
such issues are left alone). Units whose plan failed keep their issue as it is. Then it
posts a summary to Slack.

Uses GITHUB_TOKEN (issues: write), GITHUB_API_URL, GITHUB_REPOSITORY and
SLACK_WEBHOOK_URL. Exit 0, or 2 with --fail-on-drift when anything drifted.`,
		Example: `  olechka notify drift --plans drift-plans
  olechka notify drift --plans drift-plans --dry-run live`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ps, err := artifact.ReadDir(plans)
			if err != nil {
				return err
			}
			units, err := treeUnits(args)
			if err != nil {
				return err
			}
			run := notify.RunFromEnv(app.Getenv)
			sync, rep := ghnotify.DriftFromPlans(run, ps, units)
			sync.Label = label
			fmt.Fprint(app.Stdout, rep.Text())
			switch {
			case noIssues:
			case dryRun:
				fmt.Fprintf(app.Stdout, "dry run: %d drifted unit(s) would have an open issue; issues of %d clean unit(s) would be closed\n", len(sync.Drifted), len(sync.Clean))
			default:
				if err := syncDriftIssues(cmd.Context(), app, sync); err != nil {
					return err
				}
			}
			if !noSlack {
				if err := postSlack(cmd, app, rep, dryRun, false); err != nil {
					return err
				}
			}
			if fail && len(sync.Drifted) > 0 {
				return &ExitError{Code: 2, Err: fmt.Errorf("%d unit(s) drifted", len(sync.Drifted))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&plans, "plans", ".olechka/plans", "plan folder of the drift check")
	cmd.Flags().StringVar(&label, "label", ghnotify.DriftLabel, "label of drift issues")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "change no issue and post nothing; print what would happen")
	cmd.Flags().BoolVar(&noSlack, "no-slack", false, "do not post the Slack summary")
	cmd.Flags().BoolVar(&noIssues, "no-issues", false, "do not touch GitHub issues")
	cmd.Flags().BoolVar(&fail, "fail-on-drift", false, "exit 2 when any unit drifted")
	return cmd
}

// treeUnits lists the units of the tree at PATH (args[0]); nil without PATH.
func treeUnits(args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, nil
	}
	root, err := pathArg(args)
	if err != nil {
		return nil, err
	}
	dirs, err := config.Discover(config.OSFileSystem{}, root)
	if err != nil {
		return nil, fmt.Errorf("listing the units under %s: %w", root, err)
	}
	units := []string{}
	for _, d := range dirs {
		units = append(units, config.RelPath(root, d))
	}
	return units, nil
}

// syncDriftIssues opens an issue per drifted unit and closes those of clean units.
func syncDriftIssues(ctx context.Context, app *App, sync ghnotify.DriftSync) error {
	gh, err := ghnotify.FromEnv(app.Getenv)
	if err != nil {
		return err
	}
	res, err := gh.SyncDrift(ctx, sync)
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "drift issues in %s: %s\n", gh.Repository(), res)
	for _, r := range res.Opened {
		fmt.Fprintf(app.Stdout, "  opened #%d %s %s\n", r.Number, r.Unit, r.URL)
	}
	for _, r := range res.Closed {
		fmt.Fprintf(app.Stdout, "  closed #%d %s\n", r.Number, r.Unit)
	}
	return nil
}
