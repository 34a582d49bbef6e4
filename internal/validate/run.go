package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
	"github.com/terragrunt-olechka/olechka/internal/validate/lint"
	"github.com/terragrunt-olechka/olechka/internal/validate/policy"
)

// Run runs the stage. The error is for what stops the whole stage (an unreadable root,
// a policy that does not compile); problems in units and checks are findings.
func Run(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	s, checks, err := newStage(opts)
	if err != nil {
		return nil, err
	}
	// Policies compile before anything runs: a broken policy stops the stage.
	pol, err := s.loadPolicy(ctx, checks)
	if err != nil {
		return nil, err
	}
	res := &Result{Root: s.rel(s.root), Findings: []finding.Finding{}}
	evalStart := time.Now()
	var evalFindings []finding.Finding
	if checks[CheckLint] || checks[CheckPolicy] || checks[CheckSecurity] || checks[CheckCost] || checks[CheckSchema] {
		if evalFindings, err = s.evaluate(ctx); err != nil {
			return nil, err
		}
	}
	evalTime := time.Since(evalStart)
	results, found := s.runChecks(ctx, checks, pol)
	if checks[CheckCost] || checks[CheckPolicy] {
		if r, err := pol.cost(); err == nil {
			res.Cost = r
		}
	}
	// Evaluation errors belong to lint, or stand alone when lint was not asked for.
	if len(evalFindings) > 0 {
		name := CheckLint
		if !checks[CheckLint] {
			name = "config"
			for i := range evalFindings {
				evalFindings[i].Check = "config"
			}
			results[name] = &CheckResult{Name: name, Duration: evalTime}
		}
		found[name] = append(evalFindings, found[name]...)
	}
	for _, name := range append(append([]string{}, AllChecks...), "config") {
		cr, ok := results[name]
		if !ok {
			continue
		}
		fs := dedupe(found[name])
		finding.Sort(fs)
		cr.Findings = len(fs)
		if cr.Status == "" {
			cr.Status = statusOf(fs)
		}
		res.Checks = append(res.Checks, *cr)
		res.Findings = append(res.Findings, fs...)
	}
	if s.tree != nil {
		res.Units = len(s.tree.Units)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// newStage checks the options: the root, the checks asked for, the repository.
func newStage(opts Options) (*stage, map[string]bool, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, nil, err
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return nil, nil, fmt.Errorf("validate: %s is not a folder", opts.Root)
	}
	checks, err := selectChecks(opts.Only)
	if err != nil {
		return nil, nil, err
	}
	s := &stage{opts: opts, root: root, loc: lint.NewLocator(), modules: lint.NewModuleCache(), byDir: map[string]*unitData{}}
	s.repo = opts.RepoRoot
	if s.repo == "" {
		s.repo = gitRoot(root)
	}
	if s.repo == "" {
		s.repo = root
	}
	s.repo, _ = filepath.Abs(s.repo)
	s.envs = newEnvCache(root)
	s.par = opts.Parallelism
	if s.par <= 0 {
		s.par = runtime.GOMAXPROCS(0)
	}
	return s, checks, nil
}

// policies is what the policy check runs with, and the cost estimate it and the cost
// check share (made once, by whichever asks first).
type policies struct {
	engine  *policy.Engine // nil: no policy folder
	changes []finding.Finding
	from    string // a note naming the base commit the policies came from

	once    sync.Once
	report  *cost.Report
	costErr error
	estim   func() (*cost.Report, error)
}

func (p *policies) cost() (*cost.Report, error) {
	p.once.Do(func() { p.report, p.costErr = p.estim() })
	return p.report, p.costErr
}

// loadPolicy compiles the policies: from the base commit (--policy-base), the folders
// given, or policy/ at the repository root.
func (s *stage) loadPolicy(ctx context.Context, checks map[string]bool) (*policies, error) {
	p := &policies{estim: func() (*cost.Report, error) { return s.cost(ctx) }}
	var err error
	opts := s.opts
	if checks[CheckPolicy] && len(opts.PolicyDirs) == 0 && opts.PolicyBase != "" {
		if p.engine, p.changes, p.from, err = s.basePolicy(ctx, opts.PolicyBase); err != nil {
			return nil, err
		}
	} else if checks[CheckPolicy] {
		dirs := opts.PolicyDirs
		if len(dirs) == 0 {
			if st, err := os.Stat(filepath.Join(s.repo, "policy")); err == nil && st.IsDir() {
				dirs = []string{filepath.Join(s.repo, "policy")}
			}
		}
		if len(dirs) > 0 {
			if p.engine, err = policy.Load(ctx, dirs...); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// evaluate evaluates the tree once for every check; a unit that does not evaluate is
// a finding.
func (s *stage) evaluate(ctx context.Context) ([]finding.Finding, error) {
	root := s.root
	ev := config.NewEvaluator(config.Options{RepoRoot: s.repo, Getenv: s.opts.Getenv, AllowRunCmd: s.opts.AllowRunCmd, Parallelism: s.par})
	var err error
	s.tree, err = ev.Tree(ctx, root)
	if err != nil {
		return nil, fmt.Errorf("validate: evaluating %s: %w", root, err)
	}
	var evalFindings []finding.Finding
	for _, e := range s.tree.Errors {
		// Errors other than HCL diagnostics start with the unit's path.
		unitFile := ""
		if p, _, ok := strings.Cut(e.Error(), ": "); ok {
			if f := filepath.Join(root, filepath.FromSlash(p), config.UnitFile); fileExists(f) {
				unitFile = f
			}
		}
		fs := lint.EvalError(e, unitFile, s.rel)
		for i := range fs {
			if fs[i].Unit == "" && unitFile != "" {
				fs[i].Unit = filepath.ToSlash(filepath.Dir(s.relTo(root, unitFile)))
			}
		}
		evalFindings = append(evalFindings, fs...)
	}
	s.prepareUnits()
	if s.opts.PlansDir != "" {
		if err := s.readPlans(s.opts.PlansDir); err != nil {
			return nil, err
		}
	}
	return evalFindings, nil
}

// runChecks runs the selected checks in parallel; each reports its errors in its result.
func (s *stage) runChecks(ctx context.Context, checks map[string]bool, pol *policies) (map[string]*CheckResult, map[string][]finding.Finding) {
	var (
		mu      sync.Mutex
		g       errgroup.Group
		results = map[string]*CheckResult{}
		found   = map[string][]finding.Finding{}
	)
	run := func(name string, f func() ([]finding.Finding, string, error)) {
		if !checks[name] {
			mu.Lock()
			results[name] = &CheckResult{Name: name, Status: StatusSkipped, Note: "not selected (--only)"}
			mu.Unlock()
			return
		}
		g.Go(func() error {
			cr, fs := s.runCheck(name, f)
			mu.Lock()
			results[name] = cr
			found[name] = fs
			mu.Unlock()
			return nil
		})
	}
	run(CheckFmt, func() ([]finding.Finding, string, error) { return s.fmt(ctx) })
	run(CheckSchema, func() ([]finding.Finding, string, error) { return s.schema(ctx) })
	run(CheckLint, func() ([]finding.Finding, string, error) { return s.lint(ctx) })
	run(CheckPolicy, func() ([]finding.Finding, string, error) {
		if pol.engine == nil {
			return pol.changes, "", skipped("no policy folder (policy/ at the repository root, or --policy DIR)" + pol.from)
		}
		fs, note, err := s.policy(ctx, pol.engine, pol.cost)
		return append(fs, pol.changes...), note + pol.from, err
	})
	run(CheckSecurity, func() ([]finding.Finding, string, error) { return s.security(ctx) })
	run(CheckCost, func() ([]finding.Finding, string, error) { return s.costCheck(pol) })
	_ = g.Wait() // checks report their errors in their results
	return results, found
}

// costCheck is the cost check: unpriced resources as notes, the monthly total (and its
// change from the base) as the check's note.
func (s *stage) costCheck(pol *policies) ([]finding.Finding, string, error) {
	r, err := pol.cost()
	if err != nil {
		return nil, "", err
	}
	var fs []finding.Finding
	for _, u := range r.Units {
		for _, why := range u.Unpriced {
			fs = append(fs, finding.Finding{Check: CheckCost, Rule: "unpriced", Level: finding.Note, Unit: u.Path,
				File: s.unitFileRel(u.Path), Message: why})
		}
	}
	note := fmt.Sprintf("$%.2f a month", r.Monthly)
	if r.Base != nil {
		note += fmt.Sprintf(" (%s)", signed(r.Monthly-*r.Base))
	}
	return fs, note, nil
}
