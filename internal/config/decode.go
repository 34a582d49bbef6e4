package config

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// checkAttrs reports attributes of body that are not allowed, missing required ones
// and any nested block.
func checkAttrs(body *hclsyntax.Body, what string, required []string, allowed ...string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for name, a := range body.Attributes {
		if !ok[name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported argument",
				Detail:   fmt.Sprintf("An argument named %q is not expected in a %s block.", name, what),
				Subject:  a.NameRange.Ptr(),
			})
		}
	}
	for _, r := range required {
		if _, has := body.Attributes[r]; !has {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing required argument",
				Detail:   fmt.Sprintf("The argument %q is required in a %s block.", r, what),
				Subject:  body.SrcRange.Ptr(),
			})
		}
	}
	return diags
}

func noBlocks(body *hclsyntax.Body, what string) hcl.Diagnostics {
	if len(body.Blocks) == 0 {
		return nil
	}
	b := body.Blocks[0]
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Unsupported block type",
		Detail:   fmt.Sprintf("Blocks of type %q are not expected in a %s block.", b.Type, what),
		Subject:  b.TypeRange.Ptr(),
	}}
}

// evalInto evaluates an attribute into a Go value (string, bool, int64, []string,
// map[string]string, or cty.Value).
func evalInto(a *hclsyntax.Attribute, ctx *hcl.EvalContext, target any) hcl.Diagnostics {
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return diags
	}
	if cv, ok := target.(*cty.Value); ok {
		*cv = v
		return diags
	}
	if v.IsNull() {
		return diags
	}
	return append(diags, gohcl.DecodeExpression(&hclsyntax.LiteralValueExpr{Val: v, SrcRange: a.Expr.Range()}, nil, target)...)
}

func optBool(body *hclsyntax.Body, name string, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *bool {
	a, ok := body.Attributes[name]
	if !ok {
		return nil
	}
	var b bool
	*diags = append(*diags, evalInto(a, ctx, &b)...)
	return &b
}

func optInt(body *hclsyntax.Body, name string, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *int64 {
	a, ok := body.Attributes[name]
	if !ok {
		return nil
	}
	var n int64
	*diags = append(*diags, evalInto(a, ctx, &n)...)
	return &n
}

func optString(body *hclsyntax.Body, name string, ctx *hcl.EvalContext, diags *hcl.Diagnostics) string {
	a, ok := body.Attributes[name]
	if !ok {
		return ""
	}
	var s string
	*diags = append(*diags, evalInto(a, ctx, &s)...)
	return s
}

func optStrings(body *hclsyntax.Body, name string, ctx *hcl.EvalContext, diags *hcl.Diagnostics) []string {
	a, ok := body.Attributes[name]
	if !ok {
		return nil
	}
	var s []string
	*diags = append(*diags, evalInto(a, ctx, &s)...)
	return s
}

func optObject(body *hclsyntax.Body, name string, ctx *hcl.EvalContext, diags *hcl.Diagnostics) cty.Value {
	a, ok := body.Attributes[name]
	if !ok {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	v, d := a.Expr.Value(ctx)
	*diags = append(*diags, d...)
	if d.HasErrors() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	if v.IsNull() {
		return v
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid " + name,
			Detail:   fmt.Sprintf("%s must be an object, not %s.", name, v.Type().FriendlyName()),
			Subject:  a.Expr.Range().Ptr(),
		})
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return toObject(v)
}

// optObjectPartial is optObject, but when partial is set (Options.Render) and the
// evaluation fails, it returns what did evaluate with every unknown value "", as
// Terragrunt renders an object attribute whose evaluation it tolerated.
func optObjectPartial(body *hclsyntax.Body, name string, ctx *hcl.EvalContext, diags *hcl.Diagnostics, partial bool) cty.Value {
	var d hcl.Diagnostics
	v := optObject(body, name, ctx, &d)
	*diags = append(*diags, d...)
	if !d.HasErrors() || !partial {
		return v
	}
	pv, _ := body.Attributes[name].Expr.Value(ctx)
	if pv == cty.NilVal || pv.IsNull() {
		return v
	}
	if pv = toObject(unknownsToEmpty(pv)); pv.Type().IsObjectType() {
		return pv
	}
	return v
}

// toObject turns a map into an object so values of different types can be merged.
func toObject(v cty.Value) cty.Value {
	if v.IsNull() || !v.IsKnown() || v.Type().IsObjectType() {
		return v
	}
	if v.Type().IsMapType() {
		m := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			m[k.AsString()] = e
		}
		return cty.ObjectVal(m)
	}
	return v
}

// decodeDependencies evaluates the dependency blocks of body.
func (s *scope) decodeDependencies(body *hclsyntax.Body, locals, includeVar cty.Value) ([]Dependency, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var deps []Dependency
	ctx := s.evalContext(vars(locals, includeVar, cty.NilVal))
	seen := map[string]bool{}
	for _, b := range body.Blocks {
		if b.Type != "dependency" {
			continue
		}
		name := b.Labels[0]
		if seen[name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate dependency block",
				Detail:   fmt.Sprintf("A dependency named %q is already defined in this file.", name),
				Subject:  b.DefRange().Ptr(),
			})
			continue
		}
		seen[name] = true
		d := checkAttrs(b.Body, "dependency", []string{"config_path"}, "config_path", "enabled", "skip_outputs",
			"mock_outputs", "mock_outputs_allowed_terraform_commands", "mock_outputs_merge_with_state",
			"mock_outputs_merge_strategy_with_state", "skip")
		d = append(d, noBlocks(b.Body, "dependency")...)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		dep := Dependency{Name: name, Enabled: true, MockOutputsMergeStrategyWithState: "no_merge", rng: b.DefRange()}
		if a, ok := b.Body.Attributes["config_path"]; ok {
			dep.rng = a.Expr.Range()
		}
		dep.ConfigPath = optString(b.Body, "config_path", ctx, &diags)
		if e := optBool(b.Body, "enabled", ctx, &diags); e != nil {
			dep.Enabled = *e
		}
		if e := optBool(b.Body, "skip_outputs", ctx, &diags); e != nil {
			dep.SkipOutputs = *e
		}
		dep.MockOutputs = optObject(b.Body, "mock_outputs", ctx, &diags)
		dep.MockOutputsAllowedTerraformCommands = optStrings(b.Body, "mock_outputs_allowed_terraform_commands", ctx, &diags)
		if m := optBool(b.Body, "mock_outputs_merge_with_state", ctx, &diags); m != nil && *m {
			dep.MockOutputsMergeStrategyWithState = "shallow"
		}
		if a, ok := b.Body.Attributes["mock_outputs_merge_strategy_with_state"]; ok {
			var st string
			diags = append(diags, evalInto(a, ctx, &st)...)
			// Any string is accepted, as in Terragrunt: one it does not know is an
			// error only when mock outputs are merged with real outputs
			// (resolveDependencies).
			dep.MockOutputsMergeStrategyWithState = st
			dep.strategyRange = a.Expr.Range()
		}
		if dep.ConfigPath != "" {
			p := dep.ConfigPath
			if !filepath.IsAbs(p) {
				p = filepath.Join(s.terragruntDir, p)
			}
			dep.Dir = filepath.Clean(p)
			if dep.Enabled && !s.u.e.fileExists(filepath.Join(dep.Dir, UnitFile)) {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Dependency not found",
					Detail:   fmt.Sprintf("dependency %q: config_path %q has no %s (looked in %s).", name, dep.ConfigPath, UnitFile, dep.Dir),
					Subject:  dep.rng.Ptr(),
				})
			} else if dep.Enabled {
				diags = append(diags, s.checkReadable(&dep)...)
			}
		}
		deps = append(deps, dep)
	}
	return deps, diags
}

// checkReadable reports, when the evaluator runs for a command on a tree
// (Options.TreeRoot), a dependency whose outputs cannot be read: one outside the tree,
// or whose configuration does not parse. Mocking it would plan against made-up values.
func (s *scope) checkReadable(d *Dependency) hcl.Diagnostics {
	root := s.u.e.opts.TreeRoot
	if root == "" {
		return nil
	}
	if rel, err := filepath.Rel(root, d.Dir); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Dependency outside the tree",
			Detail: fmt.Sprintf("dependency %q: %s lies outside the tree root %s, so its outputs cannot be read "+
				"(they would silently be its mock_outputs). Run with a --root that contains both units.", d.Name, d.Dir, root),
			Subject: d.rng.Ptr(),
		}}
	}
	_, pd, err := s.u.e.parse(filepath.Join(d.Dir, UnitFile))
	if err != nil || pd.HasErrors() {
		why := ""
		if err != nil {
			why = err.Error()
		} else {
			why = diagsString(pd)
		}
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Dependency does not evaluate",
			Detail:   fmt.Sprintf("dependency %q: %s", d.Name, why),
			Subject:  d.rng.Ptr(),
		}}
	}
	return nil
}

// resolveDependencies sets the outputs of each enabled dependency and returns the
// dependency variable.
func (s *scope) resolveDependencies(deps []Dependency) (cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	opts := s.u.e.opts
	attrs := map[string]cty.Value{}
	for i := range deps {
		d := &deps[i]
		if !d.Enabled {
			continue
		}
		var real cty.Value
		var haveReal bool
		if opts.Outputs != nil && !d.SkipOutputs {
			real, haveReal = opts.Outputs(d.Dir)
		}
		hasMock := !d.MockOutputs.IsNull()
		mockAllowed := hasMock && (opts.Command == "" || len(d.MockOutputsAllowedTerraformCommands) == 0 ||
			contains(d.MockOutputsAllowedTerraformCommands, opts.Command))
		switch {
		case haveReal:
			d.Outputs = toObject(real)
			if mockAllowed {
				switch d.MockOutputsMergeStrategyWithState {
				case "no_merge":
				case "shallow":
					d.Outputs, d.Mocked = shallowMergeMock(d.MockOutputs, d.Outputs)
				case "deep_map_only":
					d.Outputs = deepMerge(d.MockOutputs, d.Outputs, false)
					d.Mocked = d.Outputs.IsKnown()
				default:
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Invalid mock_outputs_merge_strategy_with_state",
						Detail: fmt.Sprintf("dependency %q: mock_outputs_merge_strategy_with_state must be no_merge, shallow or deep_map_only to merge mock_outputs with the outputs of %s, not %q.",
							d.Name, d.ConfigPath, d.MockOutputsMergeStrategyWithState),
						Subject: d.strategyRange.Ptr(),
					})
					continue
				}
			}
		case mockAllowed:
			d.Outputs = d.MockOutputs
			d.Mocked = true
		case d.SkipOutputs:
			d.Outputs = cty.EmptyObjectVal
		case opts.Render:
			// As `terragrunt render`: the dependency has no outputs attribute, and
			// a reference to it is tolerated where it is used (see evalBody).
			attrs[d.Name] = cty.ObjectVal(map[string]cty.Value{
				"config_path": cty.StringVal(d.ConfigPath),
				"name":        cty.StringVal(d.Name),
			})
			continue
		default:
			why := "mock_outputs are not set"
			if hasMock {
				why = fmt.Sprintf("mock_outputs are not allowed for %q (mock_outputs_allowed_terraform_commands = %v)", opts.Command, d.MockOutputsAllowedTerraformCommands)
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Dependency has no outputs",
				Detail:   fmt.Sprintf("dependency %q (%s) has no outputs here (it has not been applied, or its outputs were not supplied) and %s.", d.Name, d.ConfigPath, why),
				Subject:  d.rng.Ptr(),
			})
			continue
		}
		attrs[d.Name] = cty.ObjectVal(map[string]cty.Value{
			"outputs":     d.Outputs,
			"config_path": cty.StringVal(d.ConfigPath),
			"name":        cty.StringVal(d.Name),
		})
	}
	return cty.ObjectVal(attrs), diags
}

// shallowMergeMock merges a dependency's mock outputs under its real outputs the way
// Terragrunt's "shallow" strategy does: every top-level output the state has wins,
// mock outputs fill in the names the state lacks. mocked reports whether any mock
// output was used. Real outputs that are not known (a plan of a tree whose
// dependencies are not applied yet) give unknown outputs: which names the state
// will have is not known either, except where the value's object type says so.
func shallowMergeMock(mock, real cty.Value) (merged cty.Value, mocked bool) {
	mock = toObject(mock)
	real = toObject(real)
	if real == cty.NilVal || real.IsNull() {
		return mock, !mock.IsNull()
	}
	if mock == cty.NilVal || mock.IsNull() || !mock.IsKnown() || !mock.Type().IsObjectType() {
		return real, false
	}
	if !real.Type().IsObjectType() {
		// Unknown of unknown type (cty.DynamicVal), or not an object at all: the
		// state's outputs decide the whole value.
		return real, false
	}
	m := map[string]cty.Value{}
	for k, v := range mock.AsValueMap() {
		m[k] = v
	}
	if !real.IsKnown() {
		// The names are known from the type; their values are not.
		for k, t := range real.Type().AttributeTypes() {
			m[k] = cty.UnknownVal(t)
		}
	} else {
		for k, v := range real.AsValueMap() {
			m[k] = v
		}
	}
	for k := range mock.Type().AttributeTypes() {
		if !real.Type().HasAttribute(k) {
			mocked = true
		}
	}
	return cty.ObjectVal(m), mocked
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// evalBody evaluates everything in body but include, locals and dependency blocks.
// depVar is the resolved dependency variable; when NilVal (an exposed include) the
// body's own dependencies are resolved.
func (s *scope) evalBody(body *hclsyntax.Body, locals, includeVar cty.Value, ownDeps []Dependency, stack []string, depVar cty.Value) (cfg *Config, diags hcl.Diagnostics) {
	if depVar == cty.NilVal {
		deps := append([]Dependency(nil), ownDeps...)
		var d hcl.Diagnostics
		depVar, d = s.resolveDependencies(deps)
		if d.HasErrors() {
			return nil, d
		}
		ownDeps = deps
	}
	ctx := s.evalContext(vars(locals, includeVar, depVar))
	cfg = &Config{
		Inputs:     cty.EmptyObjectVal,
		Locals:     locals,
		Dependency: ownDeps,
	}
	b := body
	render := s.u.e.opts.Render
	if _, ok := b.Attributes["inputs"]; ok {
		v := optObjectPartial(b, "inputs", ctx, &diags, render)
		if !v.IsNull() {
			cfg.Inputs = v
		}
	}
	// iam_role, iam_web_identity_token and prevent_destroy are read by Terragrunt's
	// early partial parse, which tolerates nothing: a render fails on them.
	var flagDiags hcl.Diagnostics
	defer func() {
		strict := flagDiags.HasErrors()
		diags = append(diags, flagDiags...)
		if !render || strict || !hasUnsupportedAttribute(diags) {
			return
		}
		// As `terragrunt render`: a file whose evaluation fails on an unsupported
		// attribute renders what evaluated (optObjectPartial kept it).
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				s.u.warnings = append(s.u.warnings, d)
			}
		}
		diags = nil
	}()
	flagDiags = append(flagDiags, earlyAttributes(b)...)
	cfg.IAMRole = optString(b, "iam_role", ctx, &flagDiags)
	cfg.IAMWebIdentityToken = optString(b, "iam_web_identity_token", ctx, &flagDiags)
	cfg.PreventDestroy = optBool(b, "prevent_destroy", ctx, &flagDiags)
	cfg.IAMAssumeRoleDuration = optInt(b, "iam_assume_role_duration", ctx, &diags)
	cfg.IAMAssumeRoleSessionName = optString(b, "iam_assume_role_session_name", ctx, &diags)
	cfg.Skip = optBool(b, "skip", ctx, &diags)
	cfg.TerraformBinary = optString(b, "terraform_binary", ctx, &diags)
	cfg.TerraformVersionConstraint = optString(b, "terraform_version_constraint", ctx, &diags)
	cfg.TerragruntVersionConstraint = optString(b, "terragrunt_version_constraint", ctx, &diags)
	cfg.DownloadDir = optString(b, "download_dir", ctx, &diags)
	cfg.RetryableErrors = optStrings(b, "retryable_errors", ctx, &diags)
	cfg.RetryMaxAttempts = optInt(b, "retry_max_attempts", ctx, &diags)
	cfg.RetrySleepIntervalSec = optInt(b, "retry_sleep_interval_sec", ctx, &diags)
	for _, blk := range b.Blocks {
		switch blk.Type {
		case "terraform":
			cfg.Terraform = s.decodeTerraform(blk.Body, ctx, &diags)
		case "remote_state":
			cfg.RemoteState = decodeRemoteState(blk.Body, ctx, &diags, render)
		case "generate":
			if g := decodeGenerate(blk.Labels[0], blk.Body, ctx, &diags); g != nil {
				cfg.Generate = append(cfg.Generate, *g)
			}
		case "dependencies":
			d := checkAttrs(blk.Body, "dependencies", []string{"paths"}, "paths")
			diags = append(diags, d...)
			var missing []string
			for _, p := range optStrings(blk.Body, "paths", ctx, &diags) {
				if !filepath.IsAbs(p) {
					p = filepath.Join(s.terragruntDir, p)
				}
				p = filepath.Clean(p)
				if !dirExists(s.u.e.opts.FS, p) {
					missing = append(missing, p)
				}
				cfg.Dependencies = append(cfg.Dependencies, p)
			}
			if len(missing) > 0 {
				// Terragrunt refuses these too.
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Dependencies not found",
					Detail:   fmt.Sprintf("dependencies.paths names folders that do not exist: %s.", strings.Join(missing, ", ")),
					Subject:  blk.Body.Attributes["paths"].Expr.Range().Ptr(),
				})
			}
		case "errors":
			cfg.Errors = decodeErrors(blk.Body, ctx, &diags)
		case "exclude":
			d := checkAttrs(blk.Body, "exclude", []string{"if", "actions"}, "if", "actions", "exclude_dependencies", "no_run")
			diags = append(diags, d...)
			if !d.HasErrors() {
				ex := &Exclude{}
				if v := optBool(blk.Body, "if", ctx, &diags); v != nil {
					ex.If = *v
				}
				ex.Actions = optStrings(blk.Body, "actions", ctx, &diags)
				if v := optBool(blk.Body, "exclude_dependencies", ctx, &diags); v != nil {
					ex.ExcludeDependencies = *v
				}
				ex.NoRun = optBool(blk.Body, "no_run", ctx, &diags)
				cfg.Exclude = ex
			}
		}
	}
	if a, ok := b.Attributes["generate"]; ok {
		cfg.Generate = append(cfg.Generate, decodeGenerateAttr(a, ctx, &diags)...)
	}
	diags = append(diags, checkGenerateNames(cfg.Generate, b)...)
	return cfg, diags
}

// checkGenerateNames reports generate blocks of one file that share a name, as
// Terragrunt does (an include's block of the same name is merged, not a duplicate).
func checkGenerateNames(gens []Generate, body *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	for _, g := range gens {
		if !seen[g.Name] {
			seen[g.Name] = true
			continue
		}
		rng := body.SrcRange
		for _, b := range body.Blocks {
			if b.Type == "generate" && b.Labels[0] == g.Name {
				rng = b.DefRange()
			}
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate generate block",
			Detail:   fmt.Sprintf("More than one generate block is named %q in this file.", g.Name),
			Subject:  rng.Ptr(),
		})
	}
	return diags
}

// decodeGenerateAttr decodes the generate attribute (generate = { NAME = { path = ...
// } }), Terragrunt's other spelling of generate blocks. Values are converted weakly,
// as Terragrunt's mapstructure decoding does (a number where a string is expected).
func decodeGenerateAttr(a *hclsyntax.Attribute, ctx *hcl.EvalContext, diags *hcl.Diagnostics) []Generate {
	v, d := a.Expr.Value(ctx)
	*diags = append(*diags, d...)
	if d.HasErrors() || v.IsNull() {
		return nil
	}
	bad := func(detail string) []Generate {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid generate",
			Detail:   detail,
			Subject:  a.Expr.Range().Ptr(),
		})
		return nil
	}
	if !v.IsWhollyKnown() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return bad("generate must be a map of generate blocks, name => { path, if_exists, contents, ... }.")
	}
	names := []string{}
	blocks := map[string]cty.Value{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() || !(e.Type().IsObjectType() || e.Type().IsMapType()) {
			return bad(fmt.Sprintf("generate[%q] must be an object with path, if_exists and contents.", k.AsString()))
		}
		names = append(names, k.AsString())
		blocks[k.AsString()] = e
	}
	sort.Strings(names)
	var out []Generate
	for _, name := range names {
		body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: a.SrcRange, EndRange: a.SrcRange}
		for it := blocks[name].ElementIterator(); it.Next(); {
			k, e := it.Element()
			body.Attributes[k.AsString()] = &hclsyntax.Attribute{
				Name: k.AsString(), Expr: &hclsyntax.LiteralValueExpr{Val: weakString(e), SrcRange: a.Expr.Range()},
				SrcRange: a.SrcRange, NameRange: a.NameRange,
			}
		}
		if g := decodeGenerate(name, body, ctx, diags); g != nil {
			out = append(out, *g)
		}
	}
	return out
}

// weakString turns a number or bool into its string where a string is expected, as
// mapstructure's weak decoding does; other values pass through (gohcl converts them).
func weakString(v cty.Value) cty.Value {
	if v.IsNull() || !v.IsKnown() {
		return v
	}
	switch v.Type() {
	case cty.Number:
		return cty.StringVal(v.AsBigFloat().Text('f', -1))
	}
	return v
}

func (s *scope) decodeTerraform(body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Terraform {
	*diags = append(*diags, checkAttrs(body, "terraform", nil, "source", "include_in_copy", "exclude_from_copy", "copy_terraform_lock_file",
		"version", "update_source_with_cas", "mutable")...)
	t := &Terraform{dir: s.terragruntDir}
	if a, ok := body.Attributes["source"]; ok {
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() == "dependency" {
				// As Terragrunt: the source must be known before dependencies are.
				*diags = append(*diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "terraform.source refers to a dependency",
					Detail:   "terraform.source cannot refer to dependency outputs: the module source must be known before dependencies are evaluated.",
					Subject:  tr.SourceRange().Ptr(),
				})
				return t
			}
		}
	}
	t.Source = optString(body, "source", ctx, diags)
	_, t.SourceSet = body.Attributes["source"]
	if a, ok := body.Attributes["version"]; ok {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported argument",
			Detail:   "terraform.version is accepted by Terragrunt only with its version-attribute experiment; olechka has no experiments.",
			Subject:  a.NameRange.Ptr(),
		})
	}
	t.UpdateSourceWithCAS = optBool(body, "update_source_with_cas", ctx, diags)
	t.Mutable = optBool(body, "mutable", ctx, diags)
	t.IncludeInCopy = optStrings(body, "include_in_copy", ctx, diags)
	t.ExcludeFromCopy = optStrings(body, "exclude_from_copy", ctx, diags)
	t.CopyTerraformLockFile = optBool(body, "copy_terraform_lock_file", ctx, diags)
	for _, b := range body.Blocks {
		if len(b.Labels) != 1 {
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing block label",
				Detail:   fmt.Sprintf("A %s block takes one label, its name.", b.Type),
				Subject:  b.TypeRange.Ptr(),
			})
			continue
		}
		name := b.Labels[0]
		switch b.Type {
		case "extra_arguments":
			*diags = append(*diags, checkAttrs(b.Body, "extra_arguments", []string{"commands"}, "commands", "arguments", "required_var_files", "optional_var_files", "env_vars")...)
			ea := ExtraArguments{Name: name}
			ea.Commands = optStrings(b.Body, "commands", ctx, diags)
			ea.Arguments = optStrings(b.Body, "arguments", ctx, diags)
			ea.RequiredVarFiles = optStrings(b.Body, "required_var_files", ctx, diags)
			ea.OptionalVarFiles = optStrings(b.Body, "optional_var_files", ctx, diags)
			if a, ok := b.Body.Attributes["env_vars"]; ok {
				*diags = append(*diags, evalInto(a, ctx, &ea.EnvVars)...)
			}
			t.ExtraArguments = append(t.ExtraArguments, ea)
		case "before_hook", "after_hook":
			*diags = append(*diags, checkAttrs(b.Body, b.Type, []string{"commands", "execute"}, "commands", "execute", "working_dir", "run_on_error", "suppress_stdout", "if")...)
			h := Hook{Name: name}
			h.Commands = optStrings(b.Body, "commands", ctx, diags)
			h.Execute = optStrings(b.Body, "execute", ctx, diags)
			*diags = append(*diags, checkExecute(b, h.Execute)...)
			h.WorkingDir = optString(b.Body, "working_dir", ctx, diags)
			h.RunOnError = optBool(b.Body, "run_on_error", ctx, diags)
			h.SuppressStdout = optBool(b.Body, "suppress_stdout", ctx, diags)
			h.If = optBool(b.Body, "if", ctx, diags)
			if b.Type == "before_hook" {
				t.BeforeHooks = append(t.BeforeHooks, h)
			} else {
				t.AfterHooks = append(t.AfterHooks, h)
			}
		case "error_hook":
			*diags = append(*diags, checkAttrs(b.Body, b.Type, []string{"commands", "execute", "on_errors"}, "commands", "execute", "on_errors")...)
			h := ErrorHook{Name: name}
			h.Commands = optStrings(b.Body, "commands", ctx, diags)
			h.Execute = optStrings(b.Body, "execute", ctx, diags)
			*diags = append(*diags, checkExecute(b, h.Execute)...)
			h.OnErrors = optStrings(b.Body, "on_errors", ctx, diags)
			t.ErrorHooks = append(t.ErrorHooks, h)
		default:
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported block type",
				Detail:   fmt.Sprintf("Blocks of type %q are not expected in a terraform block.", b.Type),
				Subject:  b.TypeRange.Ptr(),
			})
		}
	}
	return t
}

// earlyAttributes reports iam_role, iam_web_identity_token or prevent_destroy
// referring to a dependency: Terragrunt reads them before dependencies exist and
// refuses such a file ("There is no variable named \"dependency\"").
func earlyAttributes(b *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range []string{"iam_role", "iam_web_identity_token", "prevent_destroy"} {
		a, ok := b.Attributes[name]
		if !ok {
			continue
		}
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() == "dependency" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown variable",
					Detail: fmt.Sprintf("%s cannot refer to a dependency: Terragrunt reads it before dependencies are evaluated "+
						"(and refuses this file too); use a local or a literal value.", name),
					Subject: tr.SourceRange().Ptr(),
				})
				break
			}
		}
	}
	return diags
}

// checkExecute reports a hook whose execute is empty or starts with "", which
// Terragrunt refuses ("Need at least one non-empty argument in 'execute'").
func checkExecute(b *hclsyntax.Block, execute []string) hcl.Diagnostics {
	a, ok := b.Body.Attributes["execute"]
	if !ok || (len(execute) > 0 && execute[0] != "") {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Empty hook command",
		Detail:   fmt.Sprintf("%s %q: execute needs at least one non-empty argument, the command to run (Terragrunt refuses this too).", b.Type, b.Labels[0]),
		Subject:  a.Expr.Range().Ptr(),
	}}
}

func decodeRemoteState(body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics, render bool) *RemoteState {
	d := checkAttrs(body, "remote_state", []string{"backend"}, "backend", "config", "generate", "disable_init", "disable_dependency_optimization", "encryption")
	d = append(d, noBlocks(body, "remote_state")...)
	*diags = append(*diags, d...)
	if d.HasErrors() {
		return nil
	}
	rs := &RemoteState{Config: cty.EmptyObjectVal}
	rs.Backend = optString(body, "backend", ctx, diags)
	if v := optObjectPartial(body, "config", ctx, diags, render); !v.IsNull() {
		rs.Config = v
	}
	rs.Encryption = optObject(body, "encryption", ctx, diags)
	if v := optBool(body, "disable_init", ctx, diags); v != nil {
		rs.DisableInit = *v
	}
	if v := optBool(body, "disable_dependency_optimization", ctx, diags); v != nil {
		rs.DisableDependencyOptimization = *v
	}
	if a, ok := body.Attributes["generate"]; ok {
		var g struct {
			Path     string `cty:"path"`
			IfExists string `cty:"if_exists"`
		}
		v, d := a.Expr.Value(ctx)
		*diags = append(*diags, d...)
		if !d.HasErrors() && !v.IsNull() {
			ty := cty.Object(map[string]cty.Type{"path": cty.String, "if_exists": cty.String})
			cv, err := convert.Convert(v, ty)
			if err != nil {
				*diags = append(*diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid remote_state.generate",
					Detail:   "generate must be an object with path and if_exists: " + err.Error(),
					Subject:  a.Expr.Range().Ptr(),
				})
			} else {
				g.Path = cv.GetAttr("path").AsString()
				g.IfExists = cv.GetAttr("if_exists").AsString()
				rs.Generate = &RemoteStateGenerate{Path: g.Path, IfExists: g.IfExists, Range: a.Expr.Range()}
			}
		}
	}
	return rs
}

func decodeGenerate(name string, body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Generate {
	d := checkAttrs(body, "generate", []string{"path", "if_exists", "contents"}, "path", "if_exists", "if_disabled", "comment_prefix", "contents", "disable_signature", "disable", "hcl_fmt", "mutable")
	*diags = append(*diags, d...)
	if d.HasErrors() {
		return nil
	}
	if a, ok := body.Attributes["mutable"]; ok {
		// Terragrunt accepts it only with its mutable-generate experiment.
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported argument",
			Detail:   fmt.Sprintf("generate %q sets mutable, which Terragrunt accepts only with its mutable-generate experiment; olechka has no experiments.", name),
			Subject:  a.NameRange.Ptr(),
		})
		return nil
	}
	g := &Generate{Name: name, CommentPrefix: "# ", IfDisabled: "skip"}
	g.Path = optString(body, "path", ctx, diags)
	if a, ok := body.Attributes["path"]; ok {
		g.PathRange = a.Expr.Range()
	}
	g.IfExists = optString(body, "if_exists", ctx, diags)
	switch g.IfExists {
	case "overwrite", "overwrite_terragrunt", "skip", "error":
	default:
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid if_exists",
			Detail:   fmt.Sprintf("generate %q: if_exists must be overwrite, overwrite_terragrunt, skip or error, not %q.", name, g.IfExists),
			Subject:  body.Attributes["if_exists"].Expr.Range().Ptr(),
		})
	}
	if a, ok := body.Attributes["if_disabled"]; ok {
		var v string
		*diags = append(*diags, evalInto(a, ctx, &v)...)
		switch v {
		case "skip", "remove", "remove_terragrunt":
			g.IfDisabled = v
		default:
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid if_disabled",
				Detail:   fmt.Sprintf("generate %q: if_disabled must be skip, remove or remove_terragrunt, not %q.", name, v),
				Subject:  a.Expr.Range().Ptr(),
			})
		}
	}
	g.HCLFmt = optBool(body, "hcl_fmt", ctx, diags)
	if _, ok := body.Attributes["comment_prefix"]; ok {
		g.CommentPrefix = optString(body, "comment_prefix", ctx, diags)
	}
	g.Contents = optString(body, "contents", ctx, diags)
	if v := optBool(body, "disable_signature", ctx, diags); v != nil {
		g.DisableSignature = *v
	}
	if v := optBool(body, "disable", ctx, diags); v != nil {
		g.Disable = *v
	}
	return g
}

// hasUnsupportedAttribute tells whether diags hold an "Unsupported attribute" error,
// the kind `terragrunt render` tolerates.
func hasUnsupportedAttribute(diags hcl.Diagnostics) bool {
	for _, d := range diags {
		if d.Severity == hcl.DiagError && strings.Contains(d.Summary, "Unsupported attribute") {
			return true
		}
	}
	return false
}

// unknownsToEmpty replaces every value not known in v by "", as Terragrunt does with
// the inputs it renders.
func unknownsToEmpty(v cty.Value) cty.Value {
	switch {
	case !v.IsKnown():
		return cty.StringVal("")
	case v.IsNull():
		return v
	case v.Type().IsObjectType() || v.Type().IsMapType():
		m := v.AsValueMap()
		if len(m) == 0 {
			return v
		}
		for k, e := range m {
			m[k] = unknownsToEmpty(e)
		}
		return cty.ObjectVal(m)
	case v.Type().IsTupleType() || v.Type().IsListType() || v.Type().IsSetType():
		l := v.AsValueSlice()
		if len(l) == 0 {
			return v
		}
		for i, e := range l {
			l[i] = unknownsToEmpty(e)
		}
		return cty.TupleVal(l)
	}
	return v
}
