package cli

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate"
)

// validateOptions are `olechka validate`'s flags and arguments.
type validateOptions struct {
	only, policies, securityReports, reports []string
	format, failOn, infracost, plans         string
	baseRender, priceCatalog, policyBase     string
	eval                                     evalFlags
	root                                     string

	level finding.Level     // from failOn
	extra map[string]string // report file -> format, from reports
}

// validate checks the flags and resolves the root; its errors are usage errors (exit 2).
func (o *validateOptions) validate(args []string) error {
	root, err := pathArg(args)
	if err != nil {
		return err
	}
	o.root = root
	switch o.failOn {
	case "error":
		o.level = finding.Error
	case "warn", "warning":
		o.level = finding.Warning
	default:
		return fmt.Errorf("--fail-on %q: want error or warn", o.failOn)
	}
	if !knownFormat(o.format) {
		return fmt.Errorf("--format %q: want one of %s", o.format, strings.Join(validate.Formats, ", "))
	}
	o.extra = map[string]string{}
	for _, r := range o.reports {
		f, file, ok := strings.Cut(r, "=")
		if !ok || file == "" || !knownFormat(f) {
			return fmt.Errorf("--report %q: want FORMAT=FILE with FORMAT one of %s", r, strings.Join(validate.Formats, ", "))
		}
		o.extra[file] = f
	}
	return nil
}

func newValidateCmd(app *App) *cobra.Command {
	o := validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [flags] [PATH]",
		Short: "Check a tree: fmt, schema, lint, policy, security and cost, in parallel",
		Long: `validate evaluates every unit under PATH (default ".") once and runs the checks in
parallel, each across units in parallel:

  fmt       canonical formatting of .hcl and .tf files (the tree and its local modules)
  schema    every resource/data block of the modules against the AWS provider schema
  lint      config engine diagnostics, and the contracts between units and modules:
            undeclared inputs, required variables unset, dependency outputs the
            dependency's module does not output, input values that do not fit the
            variable's type or validation; tflint on the modules when it is installed
  policy    OPA/Rego v1 policies (policy/ at the repository root, plus --policy DIRs)
            over each unit's rendered config, plan JSON (--plans) and each env's cost
            against env.hcl's monthly_budget_usd
  security  trivy's embedded checks on each module with the unit's inputs, once per
            distinct module and input set; plus reports made elsewhere
            (--security-report: SARIF, Checkov JSON or trivy JSON)
  cost      a monthly estimate per unit and env from dated list prices, diffed
            against --base-render; or Infracost's numbers (--infracost)

It exits 1 when any check reports an error or a policy denies (or, with
--fail-on warn, on warnings too), 2 when the stage itself cannot run.
--report FORMAT=FILE writes more formats from the same run.`,
		Example: `  olechka validate live
  olechka validate --only lint,policy --format json live
  olechka validate --format github --report sarif=validate.sarif --report markdown=validate.md live
  olechka validate --plans .olechka/plans --policy ./extra-policies live
  olechka render --all --json live > base.json   # on the base commit
  olechka validate --only cost --base-render base.json live`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(args); err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			res, err := runValidate(cmd.Context(), app, &o)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			wo := validate.WriteOptions{Version: Version, Color: o.format == "text" && colorOK(app)}
			if err := validate.Write(app.Stdout, o.format, res, wo); err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			for file, f := range o.extra {
				if err := writeReport(file, f, res); err != nil {
					return &ExitError{Code: 2, Err: err}
				}
			}
			if res.Failed(o.level) {
				return &ExitError{Code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&o.only, "only", nil, "run only these checks (comma-separated: "+strings.Join(validate.AllChecks, ",")+")")
	cmd.Flags().StringVar(&o.format, "format", "text", "report format: "+strings.Join(validate.Formats, ", "))
	cmd.Flags().StringArrayVar(&o.reports, "report", nil, "also write FORMAT=FILE (repeatable), e.g. sarif=validate.sarif")
	cmd.Flags().StringVar(&o.failOn, "fail-on", "error", "exit 1 on findings at this level or above: error or warn")
	cmd.Flags().StringArrayVar(&o.policies, "policy", nil, "policy folder (repeatable); default: policy/ at the repository root")
	cmd.Flags().StringVar(&o.policyBase, "policy-base", "", "read policy/ from this commit's git objects, not the working tree, and report the working tree's policy changes as warnings (default: $OLECHKA_TRUSTED_REF; a pull request is judged by its base's policies)")
	cmd.Flags().StringArrayVar(&o.securityReports, "security-report", nil, "ingest a security report made elsewhere: SARIF, Checkov JSON or trivy JSON (repeatable)")
	cmd.Flags().StringVar(&o.infracost, "infracost", "", "use this Infracost JSON report for cost instead of olechka's estimate")
	cmd.Flags().StringVar(&o.plans, "plans", "", "plan folder (olechka plan --out DIR): plan JSON feeds policy and cost")
	cmd.Flags().StringVar(&o.baseRender, "base-render", "", "`olechka render --all --json` of the base commit, to diff the cost against")
	cmd.Flags().StringVar(&o.priceCatalog, "price-catalog", "", "price catalog JSON replacing the built-in one")
	o.eval.register(cmd)
	return cmd
}

// runValidate runs validate.Run with the options and the default check runners.
func runValidate(ctx context.Context, app *App, o *validateOptions) (*validate.Result, error) {
	repo := repoRoot(o.root)
	userDir, _ := os.Getwd() // the fmt hint's path is written from the user's folder
	return validate.Run(ctx, validate.Options{
		UserDir:         userDir,
		Root:            o.root,
		RepoRoot:        repo,
		Only:            o.only,
		PolicyDirs:      o.policies,
		PolicyBase:      cmp.Or(o.policyBase, app.Getenv("OLECHKA_TRUSTED_REF")),
		PlansDir:        o.plans,
		SecurityReports: o.securityReports,
		Infracost:       o.infracost,
		BaseRender:      o.baseRender,
		PriceCatalog:    o.priceCatalog,
		Getenv:          lookupEnv(app),
		AllowRunCmd:     o.eval.allowRunCmd,
		Runners:         validate.DefaultRunners(validate.RunnerOptions{CacheDir: cacheDir(app, repo)}),
	})
}

func knownFormat(f string) bool { return slices.Contains(validate.Formats, f) }

func writeReport(file, format string, res *validate.Result) error {
	if dir := filepath.Dir(file); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("--report %s: %w", file, err)
		}
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	if err := validate.Write(f, format, res, validate.WriteOptions{Version: Version}); err != nil {
		f.Close()
		return fmt.Errorf("--report %s: %w", file, err)
	}
	return f.Close()
}

// colorOK reports whether stdout is a terminal that wants colour (NO_COLOR unset).
func colorOK(app *App) bool {
	if app.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := app.Stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
