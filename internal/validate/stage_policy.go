package validate

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
	"github.com/terragrunt-olechka/olechka/internal/validate/policy"
)

// envConfig is the env.hcl a unit sits under: its locals, as JSON-shaped data.
type envConfig struct {
	File   string
	Locals map[string]any
}

type envCache struct {
	root string
	mu   sync.Mutex
	m    map[string]*envEntry
}

type envEntry struct {
	once sync.Once
	cfg  envConfig
}

func newEnvCache(root string) *envCache { return &envCache{root: root, m: map[string]*envEntry{}} }

// get finds the nearest env.hcl from the unit's folder up to the tree root: its locals
// as the unit's evaluation read them (read_terragrunt_config), or, when the unit did not
// read it, its literal locals.
func (c *envCache) get(u *config.Unit) envConfig {
	for d := u.Dir; ; {
		f := filepath.Join(d, "env.hcl")
		if _, err := os.Stat(f); err == nil {
			if cfg, ok := evaluatedEnv(u, f); ok {
				return cfg
			}
			return c.read(f)
		}
		if d == c.root {
			return envConfig{}
		}
		p := filepath.Dir(d)
		if p == d || !strings.HasPrefix(p, c.root) {
			return envConfig{}
		}
		d = p
	}
}

// evaluatedEnv is env.hcl's locals as the unit's evaluation read them.
func evaluatedEnv(u *config.Unit, file string) (envConfig, bool) {
	v, ok := u.ReadConfigs[file]
	if !ok || v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute("locals") {
		return envConfig{}, false
	}
	locals := v.GetAttr("locals")
	if locals.IsNull() || !locals.IsKnown() || !(locals.Type().IsObjectType() || locals.Type().IsMapType()) {
		return envConfig{}, false
	}
	cfg := envConfig{File: file, Locals: map[string]any{}}
	for it := locals.ElementIterator(); it.Next(); {
		k, lv := it.Element()
		if lv, _ = lv.UnmarkDeep(); lv.IsWhollyKnown() {
			cfg.Locals[k.AsString()] = ctyToJSON(lv)
		}
	}
	return cfg, true
}

// read parses env.hcl for its literal locals (and those built from earlier literal ones).
func (c *envCache) read(file string) envConfig {
	c.mu.Lock()
	e, ok := c.m[file]
	if !ok {
		e = &envEntry{}
		c.m[file] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.cfg = envConfig{File: file, Locals: map[string]any{}}
		src, err := os.ReadFile(file)
		if err != nil {
			return
		}
		f, _ := hclnest.ParseConfig(src, file, hcl.InitialPos)
		if f == nil {
			return
		}
		body := f.Body.(*hclsyntax.Body)
		// Literal locals (and those built from earlier literal ones) are what env.hcl
		// holds: evaluate in passes so locals may refer to each other.
		vals := map[string]cty.Value{}
		var attrs []*hclsyntax.Attribute
		for _, b := range body.Blocks {
			if b.Type == "locals" {
				for _, a := range b.Body.Attributes {
					attrs = append(attrs, a)
				}
			}
		}
		for pass := 0; pass < 4 && len(attrs) > 0; pass++ {
			var rest []*hclsyntax.Attribute
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"local": cty.ObjectVal(vals)}, Functions: tfmodule.Functions()}
			for _, a := range attrs {
				v, diags := a.Expr.Value(ctx)
				if diags.HasErrors() || !v.IsWhollyKnown() {
					rest = append(rest, a)
					continue
				}
				vals[a.Name] = v
			}
			if len(rest) == len(attrs) {
				break
			}
			attrs = rest
		}
		for k, v := range vals {
			e.cfg.Locals[k] = ctyToJSON(v)
		}
	})
	return e.cfg
}

func ctyToJSON(v cty.Value) any {
	if v == cty.NilVal || v.IsNull() || !v.IsWhollyKnown() {
		return nil
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

// variablesJSON describes a module's variables for policies: name -> {required, default, type}.
func (s *stage) variablesJSON(d *unitData) map[string]any {
	if d.module == nil {
		return map[string]any{}
	}
	if v, ok := s.varsJSON.Load(d.moduleDir); ok {
		return v.(map[string]any)
	}
	out := map[string]any{}
	for name, v := range d.module.Variables {
		m := map[string]any{"required": v.Required}
		if v.Default != cty.NilVal {
			m["default"] = ctyToJSON(v.Default)
		}
		out[name] = m
	}
	s.varsJSON.Store(d.moduleDir, out)
	return out
}

// facts is what olechka adds under the "olechka" key of a policy input.
func (s *stage) facts(d *unitData) map[string]any {
	tier := d.u.Tier
	if tier == "" {
		if t, ok := d.env.Locals["tier"].(string); ok {
			tier = t
		}
	}
	env := d.u.Env
	if env == "" {
		for _, k := range []string{"environment", "env"} {
			if e, ok := d.env.Locals[k].(string); ok {
				env = e
				break
			}
		}
	}
	return map[string]any{
		"path":       d.u.Path,
		"env":        env,
		"region":     d.u.Region,
		"tier":       tier,
		"account_id": d.u.AccountID,
		"module":     d.modName,
		"source_dir": s.rel(d.moduleDir),
		"variables":  s.variablesJSON(d),
		"env_config": d.env.Locals,
	}
}

func (s *stage) unitEnv(d *unitData) string {
	return s.facts(d)["env"].(string)
}

// policy evaluates unit, plan and env policies.
func (s *stage) policy(ctx context.Context, engine *policy.Engine, getCost func() (*cost.Report, error)) ([]finding.Finding, string, error) {
	plans := 0
	for _, d := range s.units {
		if d.plan != nil {
			plans++
		}
	}
	all, err := s.unitPolicies(ctx, engine)
	if err != nil {
		return nil, "", err
	}
	// Environments: budget and other env-wide rules.
	r, err := getCost()
	if err != nil {
		return nil, "", err
	}
	envFs, err := s.envPolicies(ctx, engine, r)
	if err != nil {
		return nil, "", err
	}
	all = append(all, envFs...)
	note := fmt.Sprintf("%d policy files, %d units, %d plans, %d envs", len(engine.Files()), len(s.units), plans, len(r.Envs))
	return all, note, nil
}

// unitPolicies evaluates the unit policies on every unit, and the plan policies on
// every unit with a plan.
func (s *stage) unitPolicies(ctx context.Context, engine *policy.Engine) ([]finding.Finding, error) {
	out := make([][]finding.Finding, len(s.units))
	errs := make([]error, len(s.units))
	s.forEach(ctx, len(s.units), func(i int) {
		d := s.units[i]
		input := d.u.Render()
		facts := s.facts(d)
		if own, ok := input["olechka"].(map[string]any); ok {
			for k, v := range facts {
				own[k] = v
			}
		} else {
			input["olechka"] = facts
		}
		vs, err := engine.Eval(ctx, policy.Unit, input)
		if err != nil {
			errs[i] = fmt.Errorf("%s: %w", d.u.Path, err)
			return
		}
		fs := s.violations(d, vs)
		if d.plan != nil {
			pin := map[string]any{}
			for k, v := range d.plan.raw {
				pin[k] = v
			}
			pin["olechka"] = facts
			vs, err := engine.Eval(ctx, policy.Plan, pin)
			if err != nil {
				errs[i] = fmt.Errorf("%s plan: %w", d.u.Path, err)
				return
			}
			fs = append(fs, s.violations(d, vs)...)
		}
		out[i] = fs
	})
	var all []finding.Finding
	for i := range out {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, out[i]...)
	}
	return all, nil
}

// envPolicies evaluates the env policies (budget and other env-wide rules) on every
// env's cost and env.hcl locals.
func (s *stage) envPolicies(ctx context.Context, engine *policy.Engine, r *cost.Report) ([]finding.Finding, error) {
	var all []finding.Finding
	envFiles := map[string]envConfig{}
	envTier := map[string]string{}
	for _, d := range s.units {
		e := s.unitEnv(d)
		if _, ok := envFiles[e]; !ok {
			envFiles[e] = d.env
			envTier[e], _ = s.facts(d)["tier"].(string)
		}
	}
	for i := range r.Envs {
		ec := &r.Envs[i]
		cfg := envFiles[ec.Env]
		in := map[string]any{
			"env":        ec.Env,
			"tier":       envTier[ec.Env],
			"units":      ec.Units,
			"env_config": cfg.Locals,
			"cost": map[string]any{
				"monthly_usd": ec.Monthly,
				"currency":    r.Currency,
				"source":      r.Source,
			},
		}
		if ec.Base != nil {
			in["cost"].(map[string]any)["base_monthly_usd"] = *ec.Base
			in["cost"].(map[string]any)["delta_usd"] = *ec.Delta
		}
		if b, ok := number(cfg.Locals["monthly_budget_usd"]); ok {
			in["budget_usd"] = b
			ec.Budget = &b
		}
		vs, err := engine.Eval(ctx, policy.Env, in)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", ec.Env, err)
		}
		for _, v := range vs {
			f := finding.Finding{Check: CheckPolicy, Rule: v.Rule, Level: level(v), Message: v.Message}
			if cfg.File != "" {
				f.File = s.rel(cfg.File)
				if rg, ok := s.loc.LocalsAttribute(cfg.File, strings.TrimPrefix(v.Field, "locals.")); ok {
					f.Line, f.Column = rg.Start.Line, rg.Start.Column
				}
			}
			all = append(all, f)
		}
	}
	return all, nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	}
	return 0, false
}

func level(v policy.Violation) finding.Level {
	if v.Deny {
		return finding.Error
	}
	return finding.Warning
}

// violations turns policy results into findings located in the unit's files.
func (s *stage) violations(d *unitData, vs []policy.Violation) []finding.Finding {
	var out []finding.Finding
	for _, v := range vs {
		f := finding.Finding{Check: CheckPolicy, Rule: v.Rule, Level: level(v), Message: v.Message, Unit: d.u.Path, File: s.rel(d.file)}
		files := append([]string{d.file}, d.u.Files...)
		switch {
		case strings.HasPrefix(v.Field, "inputs.") || v.Field == "inputs":
			key := strings.TrimPrefix(strings.TrimPrefix(v.Field, "inputs"), ".")
			if i := strings.IndexAny(key, ".["); i >= 0 {
				key = key[:i]
			}
			if r, ok := s.loc.Input(files, key, d.modName); ok {
				f.File, f.Line, f.Column = s.rel(r.Filename), r.Start.Line, r.Start.Column
			}
		case v.Field != "" && v.Kind == policy.Unit:
			if r, ok := s.loc.Attribute(d.file, v.Field); ok {
				f.Line, f.Column = r.Start.Line, r.Start.Column
			}
		}
		out = append(out, f)
	}
	return out
}

// cost estimates every unit (head), and the base when asked.
func (s *stage) cost(ctx context.Context) (*cost.Report, error) {
	if s.opts.Infracost != "" {
		f, err := os.Open(s.opts.Infracost)
		if err != nil {
			return nil, fmt.Errorf("--infracost: %w", err)
		}
		defer f.Close()
		head, base, hasBase, err := cost.ReadInfracost(f, s.root)
		if err != nil {
			return nil, err
		}
		s.matchUnits(head)
		s.matchUnits(base)
		r := cost.Summarize(head, base, hasBase)
		r.Source = "infracost"
		return r, nil
	}
	est, err := cost.NewEstimator()
	if err != nil {
		return nil, err
	}
	if s.opts.PriceCatalog != "" {
		if est.Catalog, err = cost.LoadCatalog(s.opts.PriceCatalog); err != nil {
			return nil, err
		}
	}
	head := make([]cost.UnitCost, len(s.units))
	s.forEach(ctx, len(s.units), func(i int) {
		d := s.units[i]
		in := cost.UnitInput{Path: d.u.Path, Env: s.unitEnv(d), Region: d.u.Region, Module: d.modName, Inputs: d.effective}
		if d.plan != nil && d.plan.parsed != nil {
			in.Plan = d.plan.parsed
		}
		head[i] = est.Unit(in)
	})
	var base []cost.UnitCost
	hasBase := false
	if s.opts.BaseRender != "" {
		base, err = s.baseCost(est)
		if err != nil {
			return nil, err
		}
		hasBase = true
	}
	r := cost.Summarize(head, base, hasBase)
	r.AsOf = est.Catalog.AsOf
	r.PriceOrigin, r.EstimatedPrices = est.Catalog.PriceOrigin(), len(est.Catalog.Estimated)
	return r, nil
}

// matchUnits maps report paths (often relative to the repository) to unit paths and
// fills env and region from the tree.
func (s *stage) matchUnits(us []cost.UnitCost) {
	if s.tree == nil {
		return
	}
	for i := range us {
		p := us[i].Path
		for {
			if u := s.tree.Unit(p); u != nil {
				d := s.byDir[u.Dir]
				us[i].Path, us[i].Env, us[i].Region, us[i].Module = u.Path, s.unitEnv(d), u.Region, d.modName
				break
			}
			j := strings.Index(p, "/")
			if j < 0 {
				break
			}
			p = p[j+1:]
		}
	}
}

// baseCost estimates the base from `olechka render --all --json` output.
func (s *stage) baseCost(est *cost.Estimator) ([]cost.UnitCost, error) {
	b, err := os.ReadFile(s.opts.BaseRender)
	if err != nil {
		return nil, fmt.Errorf("--base-render: %w", err)
	}
	var units map[string]json.RawMessage
	if err := json.Unmarshal(b, &units); err != nil {
		return nil, fmt.Errorf("--base-render %s: want the output of `olechka render --all --json`: %w", s.opts.BaseRender, err)
	}
	paths := make([]string, 0, len(units))
	for p := range units {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []cost.UnitCost
	for _, p := range paths {
		var r struct {
			Inputs    json.RawMessage `json:"inputs"`
			Terraform *struct {
				Source string `json:"source"`
			} `json:"terraform"`
			Olechka struct {
				Env       string `json:"env"`
				Region    string `json:"region"`
				SourceDir string `json:"source_dir"`
			} `json:"olechka"`
		}
		if err := json.Unmarshal(units[p], &r); err != nil {
			return nil, fmt.Errorf("--base-render %s: unit %s: %w", s.opts.BaseRender, p, err)
		}
		in := cty.EmptyObjectVal
		if len(r.Inputs) > 0 && string(r.Inputs) != "null" {
			in = cost.JSONToCty(r.Inputs)
		}
		mod := ""
		if r.Terraform != nil {
			mod = cost.ModuleName(r.Terraform.Source)
		}
		var m *tfmodule.Module
		if r.Olechka.SourceDir != "" {
			if mm, _ := s.modules.Load(r.Olechka.SourceDir); mm != nil && len(mm.Files) > 0 {
				m = mm
			}
		}
		env := r.Olechka.Env
		if u := s.tree.Unit(p); u != nil && env == "" {
			env = s.unitEnv(s.byDir[u.Dir])
		}
		out = append(out, est.Unit(cost.UnitInput{Path: p, Env: env, Region: r.Olechka.Region, Module: mod, Inputs: effectiveInputs(in, m)}))
	}
	return out, nil
}
