package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate"
)

func newValidateCmd(app *App) *cobra.Command {
	var (
		only, policies, securityReports, reports []string
		format, failOn, infracost, plans         string
		baseRender, priceCatalog                 string
		flags                                    evalFlags
	)
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
			root, err := pathArg(args)
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			var level finding.Level
			switch failOn {
			case "error":
				level = finding.Error
			case "warn", "warning":
				level = finding.Warning
			default:
				return &ExitError{Code: 2, Err: fmt.Errorf("--fail-on %q: want error or warn", failOn)}
			}
			if !knownFormat(format) {
				return &ExitError{Code: 2, Err: fmt.Errorf("--format %q: want one of %s", format, strings.Join(validate.Formats, ", "))}
			}
			extra := map[string]string{}
			for _, r := range reports {
				f, file, ok := strings.Cut(r, "=")
				if !ok || file == "" || !knownFormat(f) {
					return &ExitError{Code: 2, Err: fmt.Errorf("--report %q: want FORMAT=FILE with FORMAT one of %s", r, strings.Join(validate.Formats, ", "))}
				}
				extra[file] = f
			}
			repo := repoRoot(root)
			cache := app.Getenv("OLECHKA_CACHE")
			if cache == "" && repo != "" {
				cache = filepath.Join(repo, ".cache")
			}
			res, err := validate.Run(cmd.Context(), validate.Options{
				Root:            root,
				RepoRoot:        repo,
				Only:            only,
				PolicyDirs:      policies,
				PlansDir:        plans,
				SecurityReports: securityReports,
				Infracost:       infracost,
				BaseRender:      baseRender,
				PriceCatalog:    priceCatalog,
				Getenv:          lookupEnv(app),
				AllowRunCmd:     flags.allowRunCmd,
				Runners:         validate.DefaultRunners(validate.RunnerOptions{CacheDir: cache}),
			})
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			wo := validate.WriteOptions{Version: Version, Color: format == "text" && colorOK(app)}
			if err := validate.Write(app.Stdout, format, res, wo); err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			for file, f := range extra {
				if err := writeReport(file, f, res); err != nil {
					return &ExitError{Code: 2, Err: err}
				}
			}
			if res.Failed(level) {
				return &ExitError{Code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&only, "only", nil, "run only these checks (comma-separated: "+strings.Join(validate.AllChecks, ",")+")")
	cmd.Flags().StringVar(&format, "format", "text", "report format: "+strings.Join(validate.Formats, ", "))
	cmd.Flags().StringArrayVar(&reports, "report", nil, "also write FORMAT=FILE (repeatable), e.g. sarif=validate.sarif")
	cmd.Flags().StringVar(&failOn, "fail-on", "error", "exit 1 on findings at this level or above: error or warn")
	cmd.Flags().StringArrayVar(&policies, "policy", nil, "policy folder (repeatable); default: policy/ at the repository root")
	cmd.Flags().StringArrayVar(&securityReports, "security-report", nil, "ingest a security report made elsewhere: SARIF, Checkov JSON or trivy JSON (repeatable)")
	cmd.Flags().StringVar(&infracost, "infracost", "", "use this Infracost JSON report for cost instead of olechka's estimate")
	cmd.Flags().StringVar(&plans, "plans", "", "plan folder (olechka plan --out DIR): plan JSON feeds policy and cost")
	cmd.Flags().StringVar(&baseRender, "base-render", "", "`olechka render --all --json` of the base commit, to diff the cost against")
	cmd.Flags().StringVar(&priceCatalog, "price-catalog", "", "price catalog JSON replacing the built-in one")
	flags.register(cmd)
	return cmd
}

func knownFormat(f string) bool {
	for _, k := range validate.Formats {
		if f == k {
			return true
		}
	}
	return false
}

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
