// Package validate is the pipeline's validation stage: it evaluates a Terragrunt tree
// once and runs the checks (fmt, schema, lint, policy, security, cost) in parallel,
// each of them in parallel across units, and reports their findings as text, JSON,
// SARIF, GitHub annotations or markdown.
package validate

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"golang.org/x/sync/errgroup"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
	"github.com/terragrunt-olechka/olechka/internal/validate/lint"
	"github.com/terragrunt-olechka/olechka/internal/validate/security"
)

// Runners are the checks built elsewhere (fmt, schema, security, tflint), plugged into the
// stage. A nil runner skips its check with a note.
type Runners struct {
	// Fmt checks the formatting of the .hcl/.tf files under a folder.
	Fmt func(ctx context.Context, dir string) ([]finding.Finding, error)
	// Schema checks every resource/data block of a module folder against the AWS schema.
	// nil with SchemaNote set: skipped for that reason.
	Schema     func(ctx context.Context, moduleDir string) ([]finding.Finding, error)
	SchemaNote string
	// Security scans a module evaluated with a unit's inputs.
	Security func(ctx context.Context, moduleDir string, inputs cty.Value) ([]finding.Finding, error)
	// Tflint lints a module folder; nil with TflintNote: skipped for that reason.
	Tflint     func(ctx context.Context, moduleDir string) ([]finding.Finding, error)
	TflintNote string
	// SecurityStats, when set, describes the scanner's work for the check's note.
	SecurityStats func() string
}

// Options configures a run of the stage.
type Options struct {
	Root string // the tree's root folder (PATH)
	// UserDir is the folder the user runs olechka from: suggested commands (the fmt
	// hint) name paths from it. "" = RepoRoot.
	UserDir  string
	RepoRoot string // findings' paths are relative to it; "" = the git repository holding Root, else Root
	// Only limits the checks; empty runs them all.
	Only []string
	// PolicyDirs are the policy folders; empty = <RepoRoot>/policy when it exists.
	PolicyDirs []string
	// PolicyBase, when set (and PolicyDirs empty), is the commit whose policy/ judges:
	// read from git objects, so a change cannot weaken the rules that judge it; the
	// working tree's policy edits are reported as warnings (RulePolicyChanged).
	PolicyBase string
	// PlansDir is an olechka plan folder (plan --out); its plan JSON feeds policy and cost.
	PlansDir string
	// SecurityReports are SARIF, Checkov JSON or trivy JSON reports made elsewhere.
	SecurityReports []string
	// Infracost is an Infracost JSON report used for cost instead of the estimate.
	Infracost string
	// BaseRender is `olechka render --all --json` of the base, to diff the cost against.
	BaseRender string
	// PriceCatalog replaces the embedded price catalog.
	PriceCatalog string
	Getenv       func(string) (string, bool)
	AllowRunCmd  bool
	Parallelism  int // 0 = GOMAXPROCS
	Runners      Runners
}

// unitData is one evaluated unit with what the checks share.
type unitData struct {
	u         *config.Unit
	file      string // terragrunt.hcl
	module    *tfmodule.Module
	moduleDir string
	modName   string
	env       envConfig
	effective cty.Value // inputs over module defaults
	plan      *planData
}

type planData struct {
	raw    map[string]any
	parsed *tfjson.Plan
	file   string
}

// stage holds one run's shared state.
type stage struct {
	opts     Options
	root     string
	repo     string
	par      int
	loc      *lint.Locator
	modules  *lint.ModuleCache
	tree     *config.Tree
	units    []*unitData
	byDir    map[string]*unitData
	envs     *envCache
	varsJSON sync.Map // module dir -> map[string]any
}

func (s *stage) rel(p string) string {
	if p == "" {
		return ""
	}
	if r, err := filepath.Rel(s.repo, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(p)
}

// runCheck runs one check and turns what it returns into its result.
func (s *stage) runCheck(name string, f func() ([]finding.Finding, string, error)) (*CheckResult, []finding.Finding) {
	t0 := time.Now()
	fs, note, err := f()
	for i := range fs {
		if filepath.IsAbs(fs[i].File) {
			fs[i].File = s.rel(fs[i].File)
		}
	}
	cr := &CheckResult{Name: name, Note: note, Duration: time.Since(t0)}
	var skip skipped
	if errors.As(err, &skip) {
		cr.Status, cr.Note = StatusSkipped, string(skip)
	} else if err != nil {
		cr.Status, cr.Note = StatusError, err.Error()
	}
	return cr, fs
}

// skipped is returned by a check that did not run, saying why.
type skipped string

func (s skipped) Error() string { return string(s) }

func statusOf(fs []finding.Finding) string {
	st := StatusPassed
	for _, f := range fs {
		if f.Level == finding.Error {
			return StatusFailed
		}
		if f.Level == finding.Warning {
			st = StatusWarned
		}
	}
	return st
}

func selectChecks(only []string) (map[string]bool, error) {
	m := map[string]bool{}
	if len(only) == 0 {
		for _, c := range AllChecks {
			m[c] = true
		}
		return m, nil
	}
	for _, o := range only {
		for _, c := range strings.Split(o, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			ok := false
			for _, k := range AllChecks {
				if c == k {
					ok = true
				}
			}
			if !ok {
				return nil, fmt.Errorf("unknown check %q (one of %s)", c, strings.Join(AllChecks, ", "))
			}
			m[c] = true
		}
	}
	return m, nil
}

func dedupe(fs []finding.Finding) []finding.Finding {
	seen := map[finding.Finding]bool{}
	out := fs[:0:0]
	for _, f := range fs {
		key := f
		key.Unit = ""
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, f)
	}
	return out
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func (s *stage) relTo(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil {
		return r
	}
	return p
}

func gitRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		p := filepath.Dir(d)
		if p == d {
			return ""
		}
		d = p
	}
}

// securityParallelFrom is the number of scans from which security runs on every core.
const securityParallelFrom = 200

// forEach runs f for i in [0, n) on the stage's workers.
func (s *stage) forEach(ctx context.Context, n int, f func(i int)) {
	s.forEachN(ctx, n, s.par, f)
}

// forEachN runs f for i in [0, n) on at most workers goroutines; once ctx ends, no
// further index starts.
func (s *stage) forEachN(ctx context.Context, n, workers int, f func(i int)) {
	var g errgroup.Group
	g.SetLimit(max(workers, 1))
	for i := 0; i < n && ctx.Err() == nil; i++ {
		g.Go(func() error { f(i); return nil })
	}
	_ = g.Wait() // f reports its own errors
}

// prepareUnits loads each unit's module, env.hcl and effective inputs.
func (s *stage) prepareUnits() {
	s.units = make([]*unitData, len(s.tree.Units))
	for i, u := range s.tree.Units {
		s.units[i] = &unitData{u: u, file: filepath.Join(u.Dir, config.UnitFile)}
		s.byDir[u.Dir] = s.units[i]
	}
	s.forEach(context.Background(), len(s.units), func(i int) {
		d := s.units[i]
		if d.u.Config.Terraform != nil {
			d.modName = cost.ModuleName(d.u.Config.Terraform.Source)
		}
		if dir := d.u.SourceDir; dir != "" {
			d.moduleDir = dir
			if m, _ := s.modules.Load(dir); m != nil && len(m.Files) > 0 {
				d.module = m
			}
		}
		d.env = s.envs.get(d.u)
		d.effective = effectiveInputs(d.u.Config.Inputs, d.module)
	})
}

// effectiveInputs lays the unit's inputs over its module variables' defaults.
func effectiveInputs(inputs cty.Value, m *tfmodule.Module) cty.Value {
	vals := map[string]cty.Value{}
	if m != nil {
		for name, v := range m.Variables {
			if v.Default != cty.NilVal && !v.Default.IsNull() {
				vals[name] = v.Default
			}
		}
	}
	if inputs != cty.NilVal && !inputs.IsNull() && inputs.IsKnown() && (inputs.Type().IsObjectType() || inputs.Type().IsMapType()) {
		for k, v := range inputs.AsValueMap() {
			vals[k] = v
		}
	}
	if len(vals) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(vals)
}

func (s *stage) unitFileRel(path string) string {
	if u := s.tree.Unit(path); u != nil {
		return s.rel(filepath.Join(u.Dir, config.UnitFile))
	}
	return ""
}

// moduleDirs returns the distinct local module folders of the tree, sorted.
func (s *stage) moduleDirs() []string {
	seen := map[string]bool{}
	var dirs []string
	for _, d := range s.units {
		if d.moduleDir != "" && !seen[d.moduleDir] {
			seen[d.moduleDir] = true
			dirs = append(dirs, d.moduleDir)
		}
	}
	sort.Strings(dirs)
	return dirs
}

// readPlans reads plan JSON from an olechka plan folder.
func (s *stage) readPlans(dir string) error {
	plans, err := artifact.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("--plans: %w", err)
	}
	for _, p := range plans {
		var d *unitData
		if u := s.tree.Unit(p.Metadata.Unit); u != nil {
			d = s.byDir[u.Dir]
		}
		if d == nil {
			continue
		}
		file := p.File(artifact.PlanJSONFile)
		b, err := os.ReadFile(file)
		if err != nil {
			continue // a failed or skipped plan has no JSON
		}
		pd := &planData{file: file}
		if err := json.Unmarshal(b, &pd.raw); err != nil {
			return fmt.Errorf("--plans: %s: %w", file, err)
		}
		var tp tfjson.Plan
		if err := json.Unmarshal(b, &tp); err == nil {
			pd.parsed = &tp
		}
		d.plan = pd
	}
	return nil
}

// fmt checks formatting of the tree and its local modules.
func (s *stage) fmt(ctx context.Context) ([]finding.Finding, string, error) {
	if s.opts.Runners.Fmt == nil {
		return nil, "", skipped("the fmt check is not built into this olechka")
	}
	dirs := []string{s.root}
	if s.tree == nil {
		ev := config.NewEvaluator(config.Options{RepoRoot: s.repo, Getenv: s.opts.Getenv, Parallelism: s.par})
		if t, err := ev.Tree(ctx, s.root); err == nil {
			s.tree = t
			s.prepareUnits()
		}
	}
	for _, d := range s.moduleDirs() {
		if !strings.HasPrefix(d+string(filepath.Separator), s.root+string(filepath.Separator)) {
			dirs = append(dirs, d)
		}
	}
	var all []finding.Finding
	for _, d := range dirs {
		fs, err := s.opts.Runners.Fmt(ctx, d)
		if err != nil {
			return all, "", err
		}
		fmtHints(fs, cmp.Or(s.opts.UserDir, s.repo))
		all = append(all, fs...)
	}
	return all, fmt.Sprintf("%d folders", len(dirs)), nil
}

// schema checks each distinct module once.
func (s *stage) schema(ctx context.Context) ([]finding.Finding, string, error) {
	if s.opts.Runners.Schema == nil {
		if s.opts.Runners.SchemaNote != "" {
			return nil, "", skipped(s.opts.Runners.SchemaNote)
		}
		return nil, "", skipped("the schema check is not built into this olechka")
	}
	dirs := s.moduleDirs()
	return s.perModule(ctx, dirs, s.opts.Runners.Schema, fmt.Sprintf("%d modules", len(dirs)))
}

func (s *stage) perModule(ctx context.Context, dirs []string, f func(context.Context, string) ([]finding.Finding, error), note string) ([]finding.Finding, string, error) {
	out := make([][]finding.Finding, len(dirs))
	errs := make([]error, len(dirs))
	s.forEach(ctx, len(dirs), func(i int) { out[i], errs[i] = f(ctx, dirs[i]) })
	var all []finding.Finding
	for i := range dirs {
		if errs[i] != nil {
			return nil, "", fmt.Errorf("%s: %w", s.rel(dirs[i]), errs[i])
		}
		all = append(all, out[i]...)
	}
	return all, note, nil
}

// lint runs the contract checks on every unit, module diagnostics, and tflint.
func (s *stage) lint(ctx context.Context) ([]finding.Finding, string, error) {
	out := make([][]finding.Finding, len(s.units))
	s.forEach(ctx, len(s.units), func(i int) {
		d := s.units[i]
		lu := &lint.Unit{Path: d.u.Path, File: d.file, Files: d.u.Files, Inputs: d.u.Config.Inputs,
			Module: d.module, ModuleDir: d.moduleDir, Dependencies: map[string]*lint.Dependency{}}
		for _, dep := range d.u.Config.Dependency {
			ld := &lint.Dependency{Name: dep.Name, Dir: dep.Dir, Enabled: dep.Enabled}
			if dd := s.byDir[dep.Dir]; dd != nil {
				ld.Module = dd.module
			}
			lu.Dependencies[dep.Name] = ld
		}
		var fs []finding.Finding
		if d.moduleDir != "" {
			if _, err := os.Stat(d.moduleDir); err != nil {
				r, ok := s.loc.Attribute(d.file, "terraform")
				f := finding.Finding{Check: CheckLint, Rule: lint.RuleMissingModule, Level: finding.Error, Unit: d.u.Path,
					File: s.rel(d.file), Message: fmt.Sprintf("terraform.source %s is not a folder", s.rel(d.moduleDir))}
				if ok {
					f.Line, f.Column = r.Start.Line, r.Start.Column
				}
				fs = append(fs, f)
			}
		}
		out[i] = append(fs, lint.Check(lu, s.loc, s.rel)...)
	})
	var all []finding.Finding
	for _, fs := range out {
		all = append(all, fs...)
	}
	dirs := s.moduleDirs()
	for _, dir := range dirs {
		if _, diags := s.modules.Load(dir); diags.HasErrors() {
			all = append(all, lint.Diagnostics(diags, CheckLint, lint.RuleModule, "", s.rel)...)
		}
	}
	note := fmt.Sprintf("%d units, %d modules", len(s.units), len(dirs))
	if s.opts.Runners.Tflint == nil {
		why := s.opts.Runners.TflintNote
		if why == "" {
			why = "not installed"
		}
		note += "; tflint skipped: " + why
	} else {
		fs, _, err := s.perModule(ctx, dirs, s.opts.Runners.Tflint, "")
		if err != nil {
			all = append(all, finding.Finding{Check: CheckLint, Rule: "tflint", Level: finding.Error, Message: "tflint: " + err.Error()})
		}
		all = append(all, fs...)
		note += "; tflint ran"
	}
	return all, note, nil
}

// security scans each distinct module + input set once.
func (s *stage) security(ctx context.Context) ([]finding.Finding, string, error) {
	var all []finding.Finding
	for _, p := range s.opts.SecurityReports {
		fs, err := s.readSecurityReport(p)
		if err != nil {
			return nil, "", err
		}
		all = append(all, fs...)
	}
	if s.opts.Runners.Security == nil {
		note := "embedded scanner not built into this olechka"
		if len(s.opts.SecurityReports) > 0 {
			note = fmt.Sprintf("%d reports ingested; %s", len(s.opts.SecurityReports), note)
		}
		if len(all) == 0 {
			return nil, "", skipped(note)
		}
		return all, note, nil
	}
	type job struct {
		dir    string
		inputs cty.Value
		units  []string
	}
	jobs := map[string]*job{}
	var keys []string
	for _, d := range s.units {
		if d.moduleDir == "" || d.module == nil {
			continue
		}
		key := d.moduleDir + "\x00" + hashValue(d.u.Config.Inputs)
		j := jobs[key]
		if j == nil {
			j = &job{dir: d.moduleDir, inputs: d.u.Config.Inputs}
			jobs[key] = j
			keys = append(keys, key)
		}
		j.units = append(j.units, d.u.Path)
	}
	sort.Strings(keys)
	out := make([][]finding.Finding, len(keys))
	errs := make([]error, len(keys))
	// A scan takes milliseconds, readying a scanner seconds: few scans run on one.
	workers := s.par
	if len(keys) < securityParallelFrom {
		workers = 1
	}
	s.forEachN(ctx, len(keys), workers, func(i int) {
		j := jobs[keys[i]]
		fs, err := s.opts.Runners.Security(ctx, j.dir, j.inputs)
		for k := range fs {
			if fs[k].Check == "" {
				fs[k].Check = CheckSecurity
			}
			fs[k].Unit = j.units[0]
			if len(j.units) > 1 {
				fs[k].Message += fmt.Sprintf(" (units: %s)", unitList(j.units))
			}
		}
		out[i], errs[i] = fs, err
	})
	for i, fs := range out {
		if errs[i] != nil {
			return nil, "", fmt.Errorf("scanning %s: %w", s.rel(jobs[keys[i]].dir), errs[i])
		}
		all = append(all, fs...)
	}
	note := fmt.Sprintf("%d scans for %d units", len(keys), len(s.units))
	if s.opts.Runners.SecurityStats != nil {
		note += " (" + s.opts.Runners.SecurityStats() + ")"
	}
	return all, note, nil
}

// readSecurityReport ingests a SARIF, Checkov or trivy report made elsewhere; paths the
// report gives absolute (or under the checkout) become repository-relative.
func (s *stage) readSecurityReport(file string) ([]finding.Finding, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("--security-report: %w", err)
	}
	defer f.Close()
	fs, err := security.ParseReport(f)
	if err != nil {
		return nil, fmt.Errorf("--security-report %s: %w", file, err)
	}
	for i := range fs {
		p := fs[i].File
		if p == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(s.repo, filepath.FromSlash(p))); err == nil {
			continue
		}
		if abs := "/" + p; strings.HasPrefix(abs, s.repo+"/") {
			fs[i].File = s.rel(abs)
		}
	}
	return fs, nil
}

func unitList(units []string) string {
	if len(units) <= 3 {
		return strings.Join(units, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(units[:3], ", "), len(units)-3)
}

// hashValue fingerprints a cty value (its JSON).
func hashValue(v cty.Value) string {
	if v == cty.NilVal || v.IsNull() {
		return ""
	}
	if !v.IsWhollyKnown() {
		return fmt.Sprintf("%#v", v)
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
