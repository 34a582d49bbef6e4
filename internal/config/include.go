package config

import (
	"fmt"
	"iter"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// include is one include block of a config.
type include struct {
	name          string // "" for a bare include
	path          string // absolute path of the included file
	expose        bool
	mergeStrategy string // no_merge, shallow, deep
	rng           hcl.Range

	body     *hclsyntax.Body
	features []FeatureFlag
	locals   cty.Value
	deps     []Dependency
	scope    *scope // the scope the included file is evaluated in
}

// evalIncludes decodes the include blocks of body, reads each included file's
// feature flags, locals and dependency blocks, and evaluates the exposed includes
// whole. It returns the includes and the include variable (NilVal without includes).
func (s *scope) evalIncludes(body *hclsyntax.Body) ([]*include, cty.Value, hcl.Diagnostics) {
	incs, diags := s.decodeIncludes(body)
	if diags.HasErrors() {
		return nil, cty.NilVal, diags
	}
	s.includes = incs
	exposed := map[string]cty.Value{}
	for _, inc := range incs {
		is := &scope{u: s.u, terragruntDir: s.terragruntDir, configPath: inc.path, includes: incs, self: inc, dependent: s.dependent, stack: s.stack}
		inc.scope = is
		d := is.prepareInclude(inc, s.stack)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		if inc.expose {
			cfg, d := is.evalBody(inc.body, inc.locals, cty.NilVal, inc.deps, cty.NilVal)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			exposed[inc.name] = configValue(cfg)
		}
	}
	if diags.HasErrors() || len(incs) == 0 {
		return incs, cty.NilVal, diags
	}
	return incs, exposedIncludes(incs, exposed), diags
}

// mergingIncludes yields the includes whose blocks merge into the including file
// (those without merge_strategy = "no_merge") with their index, the last first: as
// in Terragrunt, the file merges over the last include, that over the one before.
func mergingIncludes(incs []*include) iter.Seq2[int, *include] {
	return func(yield func(int, *include) bool) {
		for i := len(incs) - 1; i >= 0; i-- {
			if incs[i].mergeStrategy != "no_merge" && !yield(i, incs[i]) {
				return
			}
		}
	}
}

// evalIncludeBodies evaluates each include's body with the merged dependencies.
func evalIncludeBodies(incs []*include, depVar cty.Value) ([]*Config, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	cfgs := make([]*Config, len(incs))
	for i, inc := range incs {
		cfg, d := inc.scope.evalBody(inc.body, inc.locals, cty.NilVal, inc.deps, depVar)
		diags = append(diags, d...)
		cfgs[i] = cfg
	}
	return cfgs, diags
}

// exposedIncludes is the include variable: the exposed includes by name (a lone
// bare include as itself).
func exposedIncludes(incs []*include, exposed map[string]cty.Value) cty.Value {
	attrs := map[string]cty.Value{}
	for _, inc := range incs {
		v, ok := exposed[inc.name]
		if !ok {
			continue
		}
		if inc.name == "" && len(incs) == 1 {
			// A lone bare exposed include is reachable as include.locals,
			// include.inputs...; beside named includes it is include[""], as in
			// Terragrunt.
			return v
		}
		attrs[inc.name] = v
	}
	return cty.ObjectVal(attrs)
}

// decodeIncludes evaluates the include blocks of body.
func (s *scope) decodeIncludes(body *hclsyntax.Body) ([]*include, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var incs []*include
	names := map[string]bool{}
	ctx := s.evalContext(nil)
	for _, b := range body.Blocks {
		if b.Type != "include" {
			continue
		}
		inc := &include{rng: b.DefRange(), mergeStrategy: "shallow"}
		if len(b.Labels) == 1 {
			inc.name = b.Labels[0]
		}
		if names[inc.name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate include block",
				Detail:   fmt.Sprintf("An include named %q is already defined.", inc.name),
				Subject:  b.DefRange().Ptr(),
			})
			continue
		}
		names[inc.name] = true
		d := checkAttrs(b.Body, "include", []string{"path"}, "path", "expose", "merge_strategy")
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		var p string
		diags = append(diags, evalInto(b.Body.Attributes["path"], ctx, &p)...)
		if a, ok := b.Body.Attributes["expose"]; ok {
			diags = append(diags, evalInto(a, ctx, &inc.expose)...)
		}
		if a, ok := b.Body.Attributes["merge_strategy"]; ok {
			diags = append(diags, evalInto(a, ctx, &inc.mergeStrategy)...)
			switch inc.mergeStrategy {
			case "no_merge", "shallow", "deep":
			default:
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid merge_strategy",
					Detail:   fmt.Sprintf("merge_strategy must be no_merge, shallow or deep, not %q.", inc.mergeStrategy),
					Subject:  a.Expr.Range().Ptr(),
				})
			}
		}
		if diags.HasErrors() {
			continue
		}
		inc.path = absIn(filepath.Dir(s.configPath), p)
		if inc.path == s.configPath {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Include cycle",
				Detail:   fmt.Sprintf("%s includes itself.", s.configPath),
				Subject:  b.DefRange().Ptr(),
			})
			continue
		}
		incs = append(incs, inc)
	}
	return incs, diags
}

// prepareInclude parses an included file and evaluates its locals and dependency blocks.
func (s *scope) prepareInclude(inc *include, stack []string) hcl.Diagnostics {
	body, diags, err := s.u.e.parse(inc.path)
	s.u.read(inc.path)
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read included file",
			Detail:   err.Error(),
			Subject:  inc.rng.Ptr(),
		}}
	}
	if diags.HasErrors() {
		return diags
	}
	if d := checkTopLevel(body); d.HasErrors() {
		return d
	}
	for _, b := range body.Blocks {
		if b.Type == "include" {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Nested include",
				Detail: fmt.Sprintf("%s includes %s, which itself includes another file. Only one level of includes is allowed (as in Terragrunt): include both files from the unit instead.",
					stackTop(stack), inc.path),
				Subject: b.DefRange().Ptr(),
			}}
		}
	}
	inc.body = body
	flags, d := s.decodeFeatures(body)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	inc.features = flags
	s.features = featureVar(flags)
	locals, d := s.evalLocals(body, cty.NilVal)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	inc.locals = locals
	deps, d := s.decodeDependencies(body, locals, cty.NilVal)
	diags = append(diags, d...)
	inc.deps = deps
	return diags
}

func stackTop(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}
