package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

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
			diags = append(diags, duplicateBlock("dependency", name, b))
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
		dep := decodeDependency(b, ctx, &diags)
		if dep.ConfigPath != "" {
			dep.Dir = s.abs(dep.ConfigPath)
			diags = append(diags, s.checkDependencyDir(&dep)...)
		}
		deps = append(deps, dep)
	}
	return deps, diags
}

// decodeDependency decodes the attributes of a dependency block.
func decodeDependency(b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) Dependency {
	dep := Dependency{Name: b.Labels[0], Enabled: true, MockOutputsMergeStrategyWithState: "no_merge", rng: b.DefRange()}
	if a, ok := b.Body.Attributes["config_path"]; ok {
		dep.rng = a.Expr.Range()
	}
	dep.ConfigPath = optString(b.Body, "config_path", ctx, diags)
	if e := optBool(b.Body, "enabled", ctx, diags); e != nil {
		dep.Enabled = *e
	}
	if e := optBool(b.Body, "skip_outputs", ctx, diags); e != nil {
		dep.SkipOutputs = *e
	}
	dep.MockOutputs = optObject(b.Body, "mock_outputs", ctx, diags)
	dep.MockOutputsAllowedTerraformCommands = optStrings(b.Body, "mock_outputs_allowed_terraform_commands", ctx, diags)
	if m := optBool(b.Body, "mock_outputs_merge_with_state", ctx, diags); m != nil && *m {
		dep.MockOutputsMergeStrategyWithState = "shallow"
	}
	if a, ok := b.Body.Attributes["mock_outputs_merge_strategy_with_state"]; ok {
		var st string
		*diags = append(*diags, evalInto(a, ctx, &st)...)
		// Any string is accepted, as in Terragrunt: one it does not know is an error
		// only when mock outputs are merged with real outputs (resolveDependencies).
		dep.MockOutputsMergeStrategyWithState = st
		dep.strategyRange = a.Expr.Range()
	}
	return dep
}

// checkDependencyDir reports an enabled dependency whose folder holds no unit, or
// whose outputs cannot be read (checkReadable).
func (s *scope) checkDependencyDir(d *Dependency) hcl.Diagnostics {
	if !d.Enabled {
		return nil
	}
	if !s.u.e.fileExists(filepath.Join(d.Dir, UnitFile)) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Dependency not found",
			Detail:   fmt.Sprintf("dependency %q: config_path %q has no %s (looked in %s).", d.Name, d.ConfigPath, UnitFile, d.Dir),
			Subject:  d.rng.Ptr(),
		}}
	}
	return s.checkReadable(d)
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
	attrs := map[string]cty.Value{}
	for i := range deps {
		d := &deps[i]
		if !d.Enabled {
			continue
		}
		v, diag := s.resolveDependency(d)
		if diag != nil {
			diags = append(diags, diag)
			continue
		}
		attrs[d.Name] = v
	}
	return cty.ObjectVal(attrs), diags
}

// resolveDependency sets the outputs of d: its real outputs (with its mock outputs
// merged in as its strategy says, where they are allowed), else its mock outputs
// where allowed, else none. It returns d's value in the dependency variable.
func (s *scope) resolveDependency(d *Dependency) (cty.Value, *hcl.Diagnostic) {
	opts := s.u.e.opts
	var real cty.Value
	var haveReal bool
	if opts.Outputs != nil && !d.SkipOutputs {
		real, haveReal = opts.Outputs(d.Dir)
	}
	hasMock := !d.MockOutputs.IsNull()
	mockAllowed := hasMock && (opts.Command == "" || len(d.MockOutputsAllowedTerraformCommands) == 0 ||
		slices.Contains(d.MockOutputsAllowedTerraformCommands, opts.Command))
	switch {
	case haveReal:
		d.Outputs = toObject(real)
		if mockAllowed {
			if diag := mergeMockWithState(d); diag != nil {
				return cty.NilVal, diag
			}
		}
	case mockAllowed:
		d.Outputs = d.MockOutputs
		d.Mocked = true
	case d.SkipOutputs:
		d.Outputs = cty.EmptyObjectVal
	case opts.Render:
		// As `terragrunt render`: the dependency has no outputs attribute, and a
		// reference to it is tolerated where it is used (see evalBody).
		return cty.ObjectVal(map[string]cty.Value{
			"config_path": cty.StringVal(d.ConfigPath),
			"name":        cty.StringVal(d.Name),
		}), nil
	default:
		why := "mock_outputs are not set"
		if hasMock {
			why = fmt.Sprintf("mock_outputs are not allowed for %q (mock_outputs_allowed_terraform_commands = %v)", opts.Command, d.MockOutputsAllowedTerraformCommands)
		}
		return cty.NilVal, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Dependency has no outputs",
			Detail:   fmt.Sprintf("dependency %q (%s) has no outputs here (it has not been applied, or its outputs were not supplied) and %s.", d.Name, d.ConfigPath, why),
			Subject:  d.rng.Ptr(),
		}
	}
	return cty.ObjectVal(map[string]cty.Value{
		"outputs":     d.Outputs,
		"config_path": cty.StringVal(d.ConfigPath),
		"name":        cty.StringVal(d.Name),
	}), nil
}

// mergeMockWithState merges d's mock outputs with its real outputs (d.Outputs) as
// its mock_outputs_merge_strategy_with_state says.
func mergeMockWithState(d *Dependency) *hcl.Diagnostic {
	switch d.MockOutputsMergeStrategyWithState {
	case "no_merge":
	case "shallow":
		d.Outputs, d.Mocked = shallowMergeMock(d.MockOutputs, d.Outputs)
	case "deep_map_only":
		d.Outputs = deepMerge(d.MockOutputs, d.Outputs, false)
		d.Mocked = d.Outputs.IsKnown()
	default:
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid mock_outputs_merge_strategy_with_state",
			Detail: fmt.Sprintf("dependency %q: mock_outputs_merge_strategy_with_state must be no_merge, shallow or deep_map_only to merge mock_outputs with the outputs of %s, not %q.",
				d.Name, d.ConfigPath, d.MockOutputsMergeStrategyWithState),
			Subject: d.strategyRange.Ptr(),
		}
	}
	return nil
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
