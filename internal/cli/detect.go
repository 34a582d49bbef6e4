package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/detect"
)

const detectLong = `detect evaluates the units under PATH at two commits, straight from git objects
(no checkout, no worktree), and reports every unit whose deployment changed:

  - its rendered configuration changed (inputs, source, remote_state, generate,
    hooks, dependency edges...), naming each changed key:
    inputs.backup_retention_days: 14 -> 30 (values of secret-looking keys masked);
  - the content of its local module source changed;
  - it was added (plan) or removed (destroy, planned from the base config, in
    reverse dependency order);
  - a unit it depends on is affected ("upstream changed: <dependency>").

A comment, a reformatting or an unused local changes no rendered result and
affects nothing. Locals and mock outputs matter only through the values they feed.

The base defaults to the merge base of the head with origin/main (or main); the
head defaults to HEAD. --uncommitted compares HEAD (or --base) with the working
tree. On a push to main, pass the previous commit: --base ${{ github.event.before }}.

Formats: text (default); json ({"base", "head", "units": [{"path", "action",
"wave", "env", "region", "tier", "account_id", "reasons"}], "jobs": [{"id",
"name", "account_id", "region", "env", "action", "fetch_depth", "waves",
"units"}]}); github (text on stdout, the job matrix appended to $GITHUB_OUTPUT
as has-changes, count, waves, batches, base, head and matrix-0..matrix-N of at
most 256 jobs each, jobs (the packed plan jobs' matrix) and job-count, and a
markdown summary appended to $GITHUB_STEP_SUMMARY).

Packed plan jobs group the affected units so each job needs one OIDC role
(account) and one region, at most --units-per-job units each (or about
--target-jobs jobs); units removed since the base get jobs of their own (planned
from the base commit, so with the full history). olechka plan --jobs FILE --job N
plans one of them (docs/pipeline.md#packed-plan-jobs).

A base unit that does not evaluate is reported and treated as affected. A head
unit that does not evaluate is listed and makes detect exit 1.`

func newDetectCmd(app *App) *cobra.Command {
	var (
		opts       detect.Options
		format     string
		batchSize  int
		splitWaves bool
		jsonOut    string
		flags      evalFlags
		pack       detect.PackOptions
		onlyEnv    string
		all        bool
	)
	cmd := &cobra.Command{
		Use:   "detect [--base REF] [--head REF] [--uncommitted] [--format text|json|github] [PATH]",
		Short: "List the units a change affects, with reasons, and emit the job matrix",
		Long:  detectLong,
		Example: `  olechka detect live
  olechka detect --base origin/main --format json live
  olechka detect --uncommitted live/production
  olechka detect --base "$BASE_SHA" --format github --json-out detect.json live   # in GitHub Actions`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "json", "github":
			default:
				return fmt.Errorf("unknown --format %q: use text, json or github", format)
			}
			opts.Root = "."
			if len(args) > 0 {
				opts.Root = args[0]
			}
			opts.Getenv = lookupEnv(app)
			opts.AllowRunCmd = flags.allowRunCmd
			res, err := detectOrAll(cmd.Context(), app, &flags, opts, all)
			if err != nil {
				return &ExitError{Code: 1, Err: fmt.Errorf("detect: %w", err)}
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(app.Stderr, "warning:", w)
			}
			if onlyEnv != "" {
				res.OnlyEnv(onlyEnv)
			}
			if res.Jobs, err = res.Pack(pack); err != nil {
				return &ExitError{Code: 1, Err: fmt.Errorf("detect: packing plan jobs: %w", err)}
			}
			if err := showDetect(app, res, format, jsonOut, batchSize, splitWaves); err != nil {
				return err
			}
			if len(res.HeadErrors) > 0 {
				for _, e := range res.HeadErrors {
					fmt.Fprintln(app.Stderr, indentError(e))
				}
				return &ExitError{Code: 1, Err: fmt.Errorf("%d units do not evaluate at head", len(res.HeadErrors))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Base, "base", "", "commit to compare against (default: merge base with origin/main, or main)")
	cmd.Flags().StringVar(&opts.Head, "head", "", "commit whose changes are detected (default: HEAD)")
	cmd.Flags().BoolVar(&opts.Uncommitted, "uncommitted", false, "compare the base (default HEAD) with the working tree, uncommitted changes included")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "evaluate every unit at both commits (slower; same answer)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or github")
	cmd.Flags().StringVar(&jsonOut, "json-out", "", "also write the JSON result to this file (one run for the matrix and the report)")
	cmd.Flags().IntVar(&batchSize, "batch-size", detect.MaxJobs, "github format: most jobs per matrix (GitHub allows 256)")
	cmd.Flags().BoolVar(&splitWaves, "split-waves", false, "github format: never put two waves in one matrix, so matrices run one after another keep the apply order")
	cmd.Flags().IntVar(&pack.UnitsPerJob, "units-per-job", 0, fmt.Sprintf("packed plan jobs (\"jobs\" in the JSON, jobs and job-count outputs): most units per job (default %d unless --target-jobs)", detect.DefaultUnitsPerJob))
	cmd.Flags().IntVar(&pack.TargetJobs, "target-jobs", 0, "packed plan jobs: about this many jobs (units per job = affected units / N, rounded up)")
	cmd.Flags().BoolVar(&all, "all", false, "every unit is affected (no base; drift.yml packs the whole tree into plan jobs so)")
	cmd.Flags().StringVar(&onlyEnv, "env", "", "keep only this env's units (env.hcl's env), e.g. for one env's delivery")
	flags.register(cmd)
	return cmd
}

// writeGitHub appends the matrix to $GITHUB_OUTPUT and the summary to $GITHUB_STEP_SUMMARY.
func writeGitHub(app *App, res *detect.Result, batchSize int, splitWaves bool) error {
	out := app.Getenv("GITHUB_OUTPUT")
	if out == "" {
		return errors.New("--format github needs $GITHUB_OUTPUT (set inside GitHub Actions)")
	}
	if err := appendFile(out, func(f *os.File) error { return res.WriteGitHubOutput(f, batchSize, splitWaves) }); err != nil {
		return fmt.Errorf("write $GITHUB_OUTPUT: %w", err)
	}
	if sum := app.Getenv("GITHUB_STEP_SUMMARY"); sum != "" {
		if err := appendFile(sum, func(f *os.File) error { return res.WriteSummary(f) }); err != nil {
			return fmt.Errorf("write $GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	return nil
}

func appendFile(path string, write func(*os.File) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// showDetect is detect's view: the JSON file (--json-out), and the result as --format
// asks (text, json, or text plus the GitHub step outputs: the job matrix and jobs).
func showDetect(app *App, res *detect.Result, format, jsonOut string, batchSize int, splitWaves bool) error {
	if jsonOut != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("write --json-out: %w", err)
		}
	}
	switch format {
	case "json":
		if err := writeJSON(app, res); err != nil {
			return err
		}
	case "github":
		if err := res.WriteText(app.Stdout); err != nil {
			return err
		}
		if err := writeGitHub(app, res, batchSize, splitWaves); err != nil {
			return err
		}
		if err := appendFile(app.Getenv("GITHUB_OUTPUT"), func(f *os.File) error { return detect.WriteJobOutputs(f, res.Jobs) }); err != nil {
			return fmt.Errorf("write $GITHUB_OUTPUT: %w", err)
		}
	default:
		if err := res.WriteText(app.Stdout); err != nil {
			return err
		}
	}
	return nil
}
