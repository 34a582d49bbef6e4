package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/progress"
)

// DefaultStateEndpoint is where local runs (OLECHKA_LOCAL=1) find, or start, the
// embedded state store when OLECHKA_STATE_ENDPOINT is not set.
const DefaultStateEndpoint = "http://127.0.0.1:9000"

// tofuFlags are the flags plan, apply and unlock share.
type tofuFlags struct {
	binary      string
	tofurc      string
	pluginCache string
	workDir     string
	stateDir    string
	lockTimeout time.Duration
	parallelism int
	failFast    bool
	eval        evalFlags
	allowHook   func(name string, execute []string) error // plan: the trusted settings' hook gate
	output      progressFlags                             // plan, apply: --verbose, --log-file
}

func (f *tofuFlags) register(cmd *cobra.Command, orchestrates bool) {
	cmd.Flags().StringVar(&f.binary, "binary", "tofu", "OpenTofu or Terraform binary: tofu, terraform or a path (tofu is looked up in $OLECHKA_CACHE/bin first)")
	cmd.Flags().StringVar(&f.tofurc, "tofurc", "", "CLI config file for the tool (TF_CLI_CONFIG_FILE); default with OLECHKA_LOCAL=1 or OLECHKA_AWS=sim: the cache's tofurc (provider mirror, AWS simulated)")
	cmd.Flags().StringVar(&f.pluginCache, "plugin-cache", "", "provider plugin cache shared by all units (default: $TF_PLUGIN_CACHE_DIR, else $OLECHKA_CACHE/plugin-cache unless a provider mirror tofurc is used)")
	cmd.Flags().StringVar(&f.workDir, "work-dir", "", "where units' working directories live (default: .olechka/work at the repository root)")
	cmd.Flags().StringVar(&f.stateDir, "state-dir", "", "with OLECHKA_LOCAL=1, the embedded state store's folder when olechka starts it (default: .olechka/state at the repository root)")
	cmd.Flags().DurationVar(&f.lockTimeout, "lock-timeout", 5*time.Minute, "how long to wait for a held state lock before failing")
	if orchestrates {
		cmd.Flags().IntVar(&f.parallelism, "parallelism", 4, "units run at once")
		cmd.Flags().BoolVar(&f.failFast, "fail-fast", false, "stop everything at the first failure (default: a failure skips only its dependents)")
		f.output.register(cmd, "progress.log in the plan folder")
	}
	f.eval.register(cmd)
}

// session is everything a plan/apply/unlock run sets up.
type session struct {
	env     *plan.Env
	cleanup func()
}

// cacheDir is $OLECHKA_CACHE or .cache at the repository root.
func cacheDir(app *App, repo string) string {
	if d := app.Getenv("OLECHKA_CACHE"); d != "" {
		return d
	}
	if repo == "" {
		return ""
	}
	return filepath.Join(repo, ".cache")
}

// newSession prepares the tool, the environment and, in local mode, the state store.
func newSession(ctx context.Context, app *App, f *tofuFlags, root string, prog *progress.Reporter) (*session, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(absRoot); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", root)
	}
	repo := repoRoot(absRoot)
	base := cmp.Or(repo, absRoot)
	local := app.Getenv("OLECHKA_LOCAL") == "1"
	s := &session{cleanup: func() {}}
	overrides := map[string]string{}
	keys := map[string]string{}
	if local {
		if s.cleanup, err = localState(ctx, app, f, base, prog, overrides); err != nil {
			return nil, err
		}
		if keys, err = localPlanKeys(app.Getenv, base); err != nil {
			s.cleanup()
			return nil, err
		}
	}
	ex, err := executor.New(ctx, toolOptions(app, f, cacheDir(app, repo), local, base, overrides))
	if err != nil {
		s.cleanup()
		return nil, err
	}
	userDir, _ := os.Getwd() // suggested commands are written from the user's folder
	s.env = &plan.Env{
		UserDir:     userDir,
		Root:        absRoot,
		RepoRoot:    repo,
		Exec:        plan.Tofu(ex),
		Getenv:      sessionGetenv(app, keys, overrides),
		AllowRunCmd: f.eval.allowRunCmd,
		Progress:    prog,
		Olechka:     Version,
		Commit:      commitOf(ctx, app, absRoot),
	}
	return s, nil
}

// localState makes the embedded state store answer at OLECHKA_STATE_ENDPOINT (default
// DefaultStateEndpoint), starting it when nothing answers there, and adds the endpoint
// and the store's credentials to overrides. The returned func stops what it started.
func localState(ctx context.Context, app *App, f *tofuFlags, base string, prog *progress.Reporter, overrides map[string]string) (func(), error) {
	endpoint := cmp.Or(app.Getenv("OLECHKA_STATE_ENDPOINT"), DefaultStateEndpoint)
	overrides["OLECHKA_STATE_ENDPOINT"] = endpoint
	stop, stateEnv, err := ensureStateStore(ctx, app.Getenv, endpoint, cmp.Or(f.stateDir, filepath.Join(base, ".olechka", "state")), prog)
	if err != nil {
		return nil, err
	}
	maps.Copy(overrides, stateEnv)
	return stop, nil
}

// sessionGetenv answers get_env for plan and apply: the local plan keys, then the
// session's overrides, then the process environment.
func sessionGetenv(app *App, keys, overrides map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if v, ok := keys[k]; ok {
			return v, true
		}
		if v, ok := overrides[k]; ok {
			return v, true
		}
		return lookupEnv(app)(k)
	}
}

// toolOptions are the executor's options: the binary (tofu from the cache when there is
// one), its CLI config (the cache's tofurc locally or with simulated AWS), the plugin
// cache and the units' working directories.
func toolOptions(app *App, f *tofuFlags, cache string, local bool, base string, overrides map[string]string) executor.Options {
	bin := f.binary
	if bin == "tofu" && cache != "" {
		if p := filepath.Join(cache, "bin", "tofu"); isFile(p) {
			bin = p
		}
	}
	tofurc := f.tofurc
	if tofurc == "" && (local || simulatedAWS(app)) && cache != "" && isFile(filepath.Join(cache, "tofurc")) {
		tofurc = filepath.Join(cache, "tofurc")
	}
	// A shared plugin cache saves downloads from a registry. With the cache's provider
	// mirror there is nothing to save, and OpenTofu re-links mirror entries into the
	// cache on every init, which a parallel unit's plan can observe half done.
	pluginCache := f.pluginCache
	if pluginCache == "" && app.Getenv("TF_PLUGIN_CACHE_DIR") == "" && cache != "" && tofurc == "" {
		pluginCache = filepath.Join(cache, "plugin-cache")
	}
	return executor.Options{
		Binary:         bin,
		Env:            toolEnv(app, overrides),
		CLIConfigFile:  tofurc,
		PluginCacheDir: pluginCache,
		WorkRoot:       cmp.Or(f.workDir, filepath.Join(base, ".olechka", "work")),
		LockTimeout:    f.lockTimeout,
		AllowHook:      f.allowHook,
	}
}

// toolEnv is the environment OpenTofu runs with: the process's variables as App.Getenv
// sees them (so what a caller's Getenv hides, tofu does not see either), then overrides.
func toolEnv(app *App, overrides map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, over := overrides[k]; over || k == "" {
			continue
		}
		if v := app.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(overrides)) {
		env = append(env, k+"="+overrides[k])
	}
	return env
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// commitOf is $GITHUB_SHA or the checked-out commit.
func commitOf(ctx context.Context, app *App, dir string) string {
	if sha := app.Getenv("GITHUB_SHA"); sha != "" {
		return sha
	}
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// unitPaths turns unit folders (as given on the command line) into paths under root.
func unitPaths(root string, args []string) ([]string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range args {
		abs, err := filepath.Abs(a)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(absRoot, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s is not under the tree root %s (set --root)", a, root)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out, nil
}

// planOptions are `olechka plan`'s flags and arguments.
type planOptions struct {
	tofu                  tofuFlags
	all, changed, destroy bool
	root, out, base, head string
	uncommitted, detailed bool
	args                  []string
	jobsFile              string // --jobs: a detect JSON file; plan its job o.job
	job                   int
	waves                 map[string]int
}

// validate checks the combination of flags and fills root (and the named units).
func (o *planOptions) validate() (units []string, err error) {
	if o.jobsFile != "" {
		return nil, o.validateJobs()
	}
	modes := 0
	for _, b := range []bool{o.all, o.changed, len(o.args) > 0 && !o.all && !o.changed} {
		if b {
			modes++
		}
	}
	if modes == 0 {
		return nil, errors.New("name the units to plan, or use --all PATH or --changed")
	}
	if o.all && o.changed {
		return nil, errors.New("--all and --changed cannot be used together")
	}
	if o.all || o.changed {
		if len(o.args) > 1 {
			return nil, fmt.Errorf("--all and --changed take one PATH, got %d", len(o.args))
		}
		if o.root != "" && len(o.args) == 1 {
			return nil, errors.New("give the tree root either as PATH or as --root")
		}
		if len(o.args) == 1 {
			o.root = o.args[0]
		}
		o.root = cmp.Or(o.root, ".")
		return nil, nil
	}
	if units, err = unitPaths(cmp.Or(o.root, "."), o.args); err != nil {
		return nil, err
	}
	o.root = cmp.Or(o.root, ".")
	return units, nil
}

func newPlanCmd(app *App) *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [--all PATH | --changed [PATH] | --jobs FILE --job N [PATH] | UNIT...] [--out DIR]",
		Short: "Plan units with OpenTofu in dependency order and save the plans for review and apply",
		Long: `plan evaluates the tree, orders the units by their dependencies and plans each with
OpenTofu (or --binary terraform) in a working directory prepared the way Terragrunt
would: module source, generate blocks, the remote_state backend, inputs as TF_VAR_
variables, dependency outputs read from the dependencies' state (mock_outputs where a
dependency has none yet and mocks are allowed for plan; recorded).

A unit starts as soon as its dependencies are planned (at most --parallelism at once).
A unit that fails skips its dependents; the others go on (--fail-fast stops all).

Which units:
  --jobs FILE --job N [PATH]
                    job N of the packed plan jobs olechka detect wrote into FILE
                    (its "jobs"): its units, with the run-wide waves recorded;
                    a job of removed units plans their destruction from FILE's
                    base commit (docs/pipeline.md#packed-plan-jobs)
  --all PATH        every unit under PATH (the tree root)
  --changed [PATH]  the units olechka detect finds changed (--base, --head, --uncommitted);
                    units removed since the base get a destroy plan made from the base
                    commit's configuration (its tree written out under --work-dir)
  UNIT...           these unit folders; the tree root is --root (default: the current folder)
--destroy plans their destruction instead.

Artifacts go to --out DIR (see docs/plan-apply.md): per unit the binary plan, its JSON
(sensitive values masked), the readable plan, metadata (commit, fingerprint, state
lineage and serial, dependency outputs and mocks used, tool versions), a summary and
the full log. olechka apply --plans DIR applies exactly these plans.

With OLECHKA_LOCAL=1, state goes to the embedded store at OLECHKA_STATE_ENDPOINT
(default ` + DefaultStateEndpoint + `), started in-process when nothing answers there.

Exit status: 0 when every unit planned (with --detailed-exitcode: 2 when some plan has
changes), 1 when a unit failed or was skipped.`,
		Example: `  OLECHKA_LOCAL=1 olechka plan --all examples/sandbox --out /tmp/plans
  olechka plan --changed live --base origin/main
  cd live && olechka plan dev/eu-central-1/vpc dev/eu-central-1/ecs-service
  olechka plan --destroy --root live live/dev/eu-central-1/redis
  olechka detect --json-out detect.json live && olechka plan --jobs detect.json --job 0 live`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			units, err := o.validate()
			if err != nil {
				return err
			}
			res, err := runPlan(cmd.Context(), app, &o, units)
			if err != nil || res == nil {
				return err
			}
			writePlanSummary(app.Stdout, res, o.out)
			return planExit(res, o.out, o.detailed)
		},
	}
	cmd.Flags().BoolVar(&o.all, "all", false, "plan every unit under PATH")
	cmd.Flags().BoolVar(&o.changed, "changed", false, "plan the units olechka detect finds changed")
	cmd.Flags().StringVar(&o.base, "base", "", "with --changed: the ref compared against (default: merge base with origin/main)")
	cmd.Flags().StringVar(&o.head, "head", "", "with --changed: the ref whose changes are planned (default: HEAD)")
	cmd.Flags().BoolVar(&o.uncommitted, "uncommitted", false, "with --changed: compare with the working tree")
	cmd.Flags().BoolVar(&o.destroy, "destroy", false, "plan the destruction of the named units")
	cmd.Flags().StringVar(&o.root, "root", "", "tree root that UNIT paths are relative to (default: the current folder)")
	cmd.Flags().StringVar(&o.out, "out", ".olechka/plans", "folder the plan artifacts are written to")
	cmd.Flags().StringVar(&o.jobsFile, "jobs", "", "plan one packed job of this detect JSON file (olechka detect --json-out); the tree root is PATH or --root")
	cmd.Flags().IntVar(&o.job, "job", -1, "with --jobs: the job's id")
	cmd.Flags().BoolVar(&o.detailed, "detailed-exitcode", false, "exit 2 when every unit planned and some plan has changes")
	o.tofu.register(cmd, true)
	return cmd
}

// runPlan plans the units (with --changed: the changed ones, found by detect.Run). A nil
// result with a nil error means there was nothing to plan (and that was said).
func runPlan(ctx context.Context, app *App, o *planOptions, units []string) (*plan.Result, error) {
	var destroyUnits, removed []string
	var baseCommit string
	if o.jobsFile != "" {
		var err error
		if units, removed, baseCommit, err = o.jobUnits(app); err != nil {
			return nil, err
		}
	}
	if o.changed {
		res, err := detect.Run(ctx, detect.Options{Root: o.root, Base: o.base, Head: o.head, Uncommitted: o.uncommitted,
			Getenv: lookupEnv(app), AllowRunCmd: o.tofu.eval.allowRunCmd})
		if err != nil {
			return nil, fmt.Errorf("detecting changed units: %w", err)
		}
		for _, w := range res.Warnings {
			fmt.Fprintln(app.Stderr, "warning:", w)
		}
		for _, a := range res.Units {
			if a.Action == detect.ActionDestroy {
				removed = append(removed, a.Path)
				continue
			}
			units = append(units, a.Path)
		}
		// Removed units are destroyed from the base commit's configuration.
		baseCommit = res.Base
		if len(units) == 0 && len(removed) == 0 {
			fmt.Fprintln(app.Stdout, "No changed units to plan.")
			return nil, nil
		}
	}
	if o.destroy {
		destroyUnits, units = units, nil
		if o.all {
			return nil, errors.New("--destroy with --all is refused: name the units to destroy")
		}
	}
	var err error
	if o.tofu.allowHook, err = planHookGate(ctx, app.Getenv, app.Stderr, cmp.Or(o.root, "."), baseCommit); err != nil {
		return nil, err
	}
	prog := newProgress(app, &o.tofu.output, len(units)+len(destroyUnits)+len(removed), filepath.Join(o.out, "progress.log"))
	defer prog.Close()
	s, err := newSession(ctx, app, &o.tofu, o.root, prog)
	if err != nil {
		return nil, err
	}
	defer s.cleanup()
	if len(units) == 0 && len(destroyUnits) == 0 && len(removed) == 0 && !o.all {
		return nil, errors.New("nothing to plan")
	}
	res, err := plan.Run(ctx, s.env, plan.Options{Units: units, Destroy: destroyUnits, Removed: removed, Base: baseCommit,
		Out: o.out, Parallelism: o.tofu.parallelism, FailFast: o.tofu.failFast, Waves: o.waves})
	if err != nil {
		return nil, &ExitError{Code: 1, Err: err}
	}
	return res, nil
}

// planExit is plan's exit status: 1 when a unit did not plan, 2 with --detailed-exitcode
// when some plan has changes.
func planExit(res *plan.Result, out string, detailed bool) error {
	if n := res.Failed(); n > 0 {
		return &ExitError{Code: 1, Err: fmt.Errorf("%d of %d units did not plan (logs in %s)", n, len(res.Units), filepath.Join(out, artifact.UnitsDir))}
	}
	if detailed {
		for _, u := range res.Units {
			if u.HasChanges {
				return &ExitError{Code: 2}
			}
		}
	}
	return nil
}

func writePlanSummary(w io.Writer, res *plan.Result, out string) {
	fmt.Fprintln(w)
	for _, u := range res.Units {
		detail := ""
		switch {
		case u.Summary != nil:
			detail = u.Summary.Line()
		case u.Err != nil:
			detail = artifact.FirstLine(u.Err.Error())
		}
		fmt.Fprintf(w, "%-10s %-45s %s\n", u.Status, u.Unit, detail)
	}
	fmt.Fprint(w, simulatedSummary(res))
	fmt.Fprintf(w, "\nPlans saved in %s. Apply exactly these with: olechka apply --plans %s\n", out, out)
}
