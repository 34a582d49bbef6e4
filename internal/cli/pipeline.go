package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	ghnotify "github.com/terragrunt-olechka/olechka/internal/notify/github"
	"github.com/terragrunt-olechka/olechka/internal/notify/slack"
	"github.com/terragrunt-olechka/olechka/internal/pipeline"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/state"
)

// pipelineFlags are `olechka pipeline`'s options.
type pipelineFlags struct {
	local, autoApprove, all, uncommitted bool
	planOnly, applyAnyway, postComment   bool
	base, head, out, workDir             string
	only                                 []string
	parallelism                          int
	policy                               review.Policy
	eval                                 evalFlags
	output                               progressFlags
}

func newPipelineCmd(app *App) *cobra.Command {
	f := pipelineFlags{policy: review.DefaultPolicy()}
	cmd := &cobra.Command{
		Use:   "pipeline [--local] [--auto-approve] [PATH]",
		Short: "Run every stage in order: detect, validate, plan, review, apply, notify",
		Long: `pipeline runs the whole delivery from one command, as the GitHub workflow does:

  1. detect    the affected units (olechka detect; --all: every unit)
  2. validate  fmt, schema, lint, policy, security, cost (olechka validate)
  3. plan      the affected units, removed ones for destruction (olechka plan)
  4. review    a gate per unit (auto, manual, blocked); the PR comment is rendered
  5. apply     per env, exactly the reviewed plans; manual gates are asked on the
               terminal (or --auto-approve); a failed validation stops here
  6. notify    the plan and apply reports: to Slack when SLACK_WEBHOOK_URL is set,
               printed otherwise

--local runs it on examples/sandbox (or PATH) with the embedded S3-compatible state
store (started on a free loopback port, data in .olechka/state) and real OpenTofu from
the cache (make tools); without --base, --head or --uncommitted it treats every unit as
affected. Everything the run wrote (detect.json, validate.json, plans/, review.json and
the rendered PR comment, comment.md) goes to --out.

Exit status: 0 when every affected unit was applied or had nothing to apply, 1 when
validation failed or a unit failed, was blocked or skipped, 3 when an approval was
declined.`,
		Example: `  olechka pipeline --local --auto-approve
  olechka pipeline --local                      # asks before applying production
  olechka pipeline --base origin/main --plan-only live`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runPipeline(cmd.Context(), app, &f, args) },
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.local, "local", false, "run on examples/sandbox (or PATH) with the embedded state store and real OpenTofu")
	fl.BoolVar(&f.autoApprove, "auto-approve", false, "approve manual gates without asking")
	fl.BoolVar(&f.all, "all", false, "treat every unit as affected (default with --local unless --base, --head or --uncommitted)")
	fl.StringVar(&f.base, "base", "", "detect: commit to compare against")
	fl.StringVar(&f.head, "head", "", "detect: commit whose changes are delivered")
	fl.BoolVar(&f.uncommitted, "uncommitted", false, "detect: compare with the working tree")
	fl.StringVar(&f.out, "out", "", "folder for the run's files (default: .olechka/pipeline at the repository root)")
	fl.StringSliceVar(&f.only, "only", nil, "validate: run only these checks")
	fl.BoolVar(&f.planOnly, "plan-only", false, "stop after review: apply nothing")
	fl.BoolVar(&f.applyAnyway, "apply-despite-validation", false, "apply even when validation failed (blocked units stay blocked)")
	fl.BoolVar(&f.postComment, "post-comment", false, "also post the comment to the pull request (GITHUB_TOKEN, --pr via OLECHKA_PR_NUMBER)")
	fl.IntVar(&f.parallelism, "parallelism", 4, "plan/apply: units run at once")
	fl.StringVar(&f.workDir, "work-dir", "", "plan/apply: where units' working directories live (default: plan's)")
	fl.StringVar(&f.policy.PlanRoleName, "plan-role-name", f.policy.PlanRoleName, "review: IAM plan role name")
	fl.StringVar(&f.policy.ApplyRoleName, "apply-role-name", f.policy.ApplyRoleName, "review: IAM apply role name")
	f.eval.register(cmd)
	f.output.register(cmd, "pipeline.log in --out")
	return cmd
}

func runPipeline(ctx context.Context, app *App, f *pipelineFlags, args []string) error {
	root, repo, out, err := f.paths(args)
	if err != nil {
		return err
	}
	logPath := cmp.Or(f.output.logFile, filepath.Join(out, "pipeline.log"))
	logFile, err := createLog(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	fmt.Fprintf(app.Stdout, "log: %s (every step of every unit)\n", logPath)
	env, stop, err := f.localEnv(ctx, app, cmp.Or(repo, root))
	if err != nil {
		return err
	}
	defer stop()
	sub := &subApp{app: app, env: env}
	run := notify.RunFromEnv(sub.getenv)
	if run.Event == "" {
		run.Event = "local"
	}
	res, err := pipeline.Run(ctx, f.options(app, sub, run, root, repo, out, logFile))
	if err != nil {
		return &ExitError{Code: 1, Err: err}
	}
	if f.postComment && res.Detected != nil {
		if err := postPipelineComment(ctx, app, run, out, res); err != nil {
			fmt.Fprintln(app.Stderr, "warning: the comment was not posted:", err)
		}
	}
	fmt.Fprint(app.Stdout, res.Summary())
	fmt.Fprintf(app.Stdout, "log:        %s\n", logPath)
	switch {
	case res.Failed():
		return &ExitError{Code: 1}
	case len(res.Declined) > 0:
		return &ExitError{Code: 3, Err: fmt.Errorf("not approved: %s", strings.Join(res.Declined, ", "))}
	}
	return nil
}

// paths are the tree (PATH, default live or, with --local, examples/sandbox at the
// repository root), the repository root ("" outside one) and the run's folder (--out,
// default .olechka/pipeline at the repository root, else beside the tree), absolute.
func (f *pipelineFlags) paths(args []string) (root, repo, out string, err error) {
	rootArg := "live"
	if f.local {
		rootArg = "examples/sandbox"
	}
	if len(args) > 0 {
		rootArg = args[0]
	} else if wd, err := os.Getwd(); err == nil && repoRoot(wd) != "" {
		rootArg = filepath.Join(repoRoot(wd), rootArg)
	}
	if root, err = pathArg([]string{rootArg}); err != nil {
		return "", "", "", err
	}
	// The repository is the tree's, wherever the command was started.
	repo = repoRoot(root)
	out = f.out
	if out == "" {
		out = filepath.Join(cmp.Or(repo, root), ".olechka", "pipeline")
	}
	out, err = filepath.Abs(out)
	return root, repo, out, err
}

// localEnv is the environment --local adds to the run's: OLECHKA_LOCAL, and the
// embedded state store's endpoint and credentials (started here unless
// OLECHKA_STATE_ENDPOINT is set; stop closes it).
func (f *pipelineFlags) localEnv(ctx context.Context, app *App, base string) (env map[string]string, stop func(), err error) {
	env, stop = map[string]string{}, func() {}
	if !f.local {
		return env, stop, nil
	}
	env["OLECHKA_LOCAL"] = "1"
	if app.Getenv("OLECHKA_STATE_ENDPOINT") != "" {
		return env, stop, nil
	}
	dir := filepath.Join(base, ".olechka", "state")
	srv, err := state.Serve(ctx, state.Options{Dir: dir})
	if err != nil {
		return nil, nil, fmt.Errorf("starting the embedded state store: %w", err)
	}
	env["OLECHKA_STATE_ENDPOINT"] = srv.URL()
	maps.Copy(env, srv.Credentials().Env())
	fmt.Fprintf(app.Stdout, "embedded state store on %s (data in %s)\n", srv.URL(), dir)
	return env, func() { srv.Close() }, nil
}

// options are pipeline.Run's options: the stages through the packages, the terminal
// approver, the printing notifier, the tree's evaluator and the log.
func (f *pipelineFlags) options(app *App, sub *subApp, run notify.Run, root, repo, out string, logFile io.Writer) pipeline.Options {
	all := f.all || (f.local && f.base == "" && f.head == "" && !f.uncommitted)
	stages := &packageStages{sub: sub, all: all, base: f.base, head: f.head, uncommitted: f.uncommitted,
		only: f.only, parallelism: f.parallelism, workDir: f.workDir, eval: f.eval,
		output: progressFlags{verbose: f.output.verbose, logTo: logFile}}
	return pipeline.Options{
		Root: root, Out: out, RepoRoot: repo, Run: run, Stages: stages,
		Approver: &terminalApprover{in: bufio.NewReader(app.Stdin), out: app.Stdout, auto: f.autoApprove},
		Notifier: &printNotifier{app: app, getenv: sub.getenv},
		Evaluator: config.NewEvaluator(config.Options{RepoRoot: repo, AllowRunCmd: f.eval.allowRunCmd,
			Getenv: sub.lookupEnv}),
		Policy: f.policy, Log: io.MultiWriter(app.Stdout, logFile),
		ApplyDespiteValidation: f.applyAnyway, PlanOnly: f.planOnly,
	}
}

func postPipelineComment(ctx context.Context, app *App, run notify.Run, out string, res *pipeline.Outcome) error {
	if run.PR == 0 {
		return errors.New("no pull request number (OLECHKA_PR_NUMBER)")
	}
	in, err := comment.Load(ctx, run, comment.Sources{Plans: filepath.Join(out, "plans"),
		Detect: filepath.Join(out, "detect.json"), Findings: filepath.Join(out, "validate.json"), Review: filepath.Join(out, "review.json")})
	if err != nil {
		return err
	}
	gh, err := ghnotify.FromEnv(app.Getenv)
	if err != nil {
		return err
	}
	r, err := gh.UpsertComment(ctx, run.PR, comment.Render(in, comment.Options{}))
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "comment on #%d: %s\n", run.PR, r)
	return nil
}

// subApp is the pipeline's App with extra environment variables (local mode's).
type subApp struct {
	app *App
	env map[string]string
}

func (s *subApp) getenv(k string) string {
	if v, ok := s.env[k]; ok {
		return v
	}
	return s.app.Getenv(k)
}

// lookupEnv is getenv telling a variable set to "" from an unset one (lookupEnv).
func (s *subApp) lookupEnv(k string) (string, bool) {
	if v, ok := s.env[k]; ok {
		return v, true
	}
	return lookupEnv(s.app)(k)
}

// child is the App a stage runs with: the run's environment, stdout indented.
func (s *subApp) child() *App {
	return &App{Stdin: strings.NewReader(""), Stdout: prefixWriter(s.app.Stdout, "  "), Stderr: s.app.Stderr, Getenv: s.getenv, LookupEnv: s.lookupEnv}
}

// terminalApprover asks on the terminal, or approves everything with --auto-approve.
type terminalApprover struct {
	in   *bufio.Reader
	out  io.Writer
	auto bool
}

func (a *terminalApprover) Approve(ctx context.Context, g review.ApplyGroup, ds []review.Decision) (bool, error) {
	fmt.Fprintf(a.out, "\n  Approval needed to apply %s (GitHub environment %s):\n", g.Env, g.Environment)
	for _, d := range ds {
		fmt.Fprintf(a.out, "    %-7s %s [%s]: %s\n", d.Gate, d.Unit, d.Counts, strings.Join(d.Reasons, "; "))
	}
	if a.auto {
		fmt.Fprintln(a.out, "  approved (--auto-approve)")
		return true, nil
	}
	fmt.Fprintf(a.out, "  Apply %s? Only 'yes' approves: ", g.Env)
	line, err := a.in.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	yes := strings.TrimSpace(strings.ToLower(line)) == "yes"
	if errors.Is(err, io.EOF) && line == "" {
		fmt.Fprintln(a.out, "\n  (no answer: not approved; --auto-approve approves without asking)")
	}
	return yes, nil
}

// printNotifier prints each report, and posts it to Slack when a webhook is set.
type printNotifier struct {
	app    *App
	getenv func(string) string
}

func (n *printNotifier) Notify(ctx context.Context, rep notify.Report) error {
	msg := slack.Build(rep)
	fmt.Fprintf(n.app.Stdout, "  notification: %s\n", msg.Text)
	for _, line := range strings.Split(strings.TrimRight(rep.Text(), "\n"), "\n")[1:] {
		fmt.Fprintf(n.app.Stdout, "  %s\n", line)
	}
	c, err := slack.FromEnv(n.getenv)
	if errors.Is(err, slack.ErrNoWebhook) {
		fmt.Fprintf(n.app.Stdout, "  (printed: %s is not set)\n", slack.EnvWebhook)
		return nil
	}
	if err != nil {
		return err
	}
	if err := c.Post(ctx, msg); err != nil {
		return err
	}
	fmt.Fprintln(n.app.Stdout, "  posted to Slack")
	return nil
}

// prefixWriter indents every line written through it.
func prefixWriter(w io.Writer, prefix string) io.Writer {
	return &linePrefixer{w: w, prefix: prefix, bol: true}
}

type linePrefixer struct {
	w      io.Writer
	prefix string
	bol    bool
}

func (p *linePrefixer) Write(b []byte) (int, error) {
	var out bytes.Buffer
	for _, c := range b {
		if p.bol {
			out.WriteString(p.prefix)
			p.bol = false
		}
		out.WriteByte(c)
		if c == '\n' {
			p.bol = true
		}
	}
	if _, err := p.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}
