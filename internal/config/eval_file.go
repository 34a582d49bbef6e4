package config

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
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

// scope is the context one file is evaluated in.
type scope struct {
	u             *unitEval
	terragruntDir string     // get_terragrunt_dir
	configPath    string     // the file being evaluated
	includes      []*include // the includes of the config being evaluated
	self          *include   // set while evaluating an included file
	// dependent is set when the evaluation used something that depends on the unit
	// it runs for, so the result cannot be shared with other units. Shared by the
	// scopes of one file's evaluation.
	dependent *bool
	fns       map[string]function.Function // Terragrunt's and the file functions, bound to this scope
	features  cty.Value                    // the feature variable: NAME => {name, value}; NilVal when none
	stack     []string                     // files being read above this one, to catch read cycles
}

// topLevel lists the attributes and blocks a Terragrunt file may hold.
var (
	topAttributes = map[string]bool{
		"inputs": true, "iam_role": true, "iam_assume_role_duration": true,
		"iam_assume_role_session_name": true, "iam_web_identity_token": true,
		"prevent_destroy": true, "skip": true, "terraform_binary": true,
		"terraform_version_constraint": true, "terragrunt_version_constraint": true,
		"download_dir": true, "retryable_errors": true, "retry_max_attempts": true,
		"retry_sleep_interval_sec": true, "generate": true,
	}
	topBlocks = map[string]int{ // block type -> number of labels (-1: 0 or 1)
		"include": -1, "locals": 0, "terraform": 0, "remote_state": 0, "generate": 1,
		"dependency": 1, "dependencies": 0, "exclude": 0, "errors": 0, "feature": 1,
		"engine": 0, "catalog": 0,
	}
)

func checkTopLevel(body *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for name, a := range body.Attributes {
		if !topAttributes[name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported argument",
				Detail:   fmt.Sprintf("An argument named %q is not expected in a Terragrunt configuration.", name),
				Subject:  a.NameRange.Ptr(),
			})
		}
	}
	diags = append(diags, checkDependencyInputs(body)...)
	seen := map[string]hcl.Range{}
	for _, b := range body.Blocks {
		n, ok := topBlocks[b.Type]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported block type",
				Detail:   fmt.Sprintf("Blocks of type %q are not expected in a Terragrunt configuration.", b.Type),
				Subject:  b.TypeRange.Ptr(),
			})
			continue
		}
		if (n >= 0 && len(b.Labels) != n) || (n < 0 && len(b.Labels) > 1) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Wrong number of block labels",
				Detail:   fmt.Sprintf("A %s block takes %s.", b.Type, labelsText(n)),
				Subject:  b.TypeRange.Ptr(),
			})
			continue
		}
		switch b.Type {
		case "locals", "terraform", "remote_state", "dependencies", "exclude", "errors", "engine", "catalog":
			if prev, dup := seen[b.Type]; dup {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate " + b.Type + " block",
					Detail:   fmt.Sprintf("Only one %s block is allowed; another is at %s.", b.Type, prev),
					Subject:  b.TypeRange.Ptr(),
				})
			}
			seen[b.Type] = b.TypeRange
		}
	}
	return diags
}

// checkDependencyInputs reports dependency.NAME.inputs in a top-level attribute,
// which Terragrunt v1 refuses (it used to parse the dependency's configuration).
func checkDependencyInputs(body *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	names := make([]string, 0, len(body.Attributes))
	for n := range body.Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, tr := range body.Attributes[n].Expr.Variables() {
			if len(tr) < 3 || tr.RootName() != "dependency" {
				continue
			}
			if a, ok := tr[2].(hcl.TraverseAttr); ok && a.Name == "inputs" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Dependency inputs are not supported",
					Detail:   "Reading inputs from dependencies is no longer supported (as in Terragrunt v1): use the dependency's outputs, dependency.NAME.outputs.X.",
					Subject:  tr.SourceRange().Ptr(),
				})
			}
		}
	}
	return diags
}

func labelsText(n int) string {
	switch n {
	case 0:
		return "no labels"
	case 1:
		return "one label"
	}
	return "zero or one label"
}

// evalConfigFile evaluates a full Terragrunt file (a unit, or a file read with
// read_terragrunt_config) with its includes merged. stack holds the files being
// read above it, to catch read cycles.
func (u *unitEval) evalConfigFile(path, terragruntDir string, stack []string) (*Config, *scope, hcl.Diagnostics) {
	for _, p := range stack {
		if p == path {
			return nil, nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Configuration read cycle",
				Detail:   fmt.Sprintf("%s reads itself through %s.", path, strings.Join(append(stack, path), " -> ")),
			}}
		}
	}
	body, diags, err := u.e.parse(path)
	u.read(path)
	if err != nil {
		return nil, nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration",
			Detail:   err.Error(),
		}}
	}
	if diags.HasErrors() {
		return nil, nil, diags
	}
	if d := checkTopLevel(body); d.HasErrors() {
		return nil, nil, d
	}
	stack = append(stack[:len(stack):len(stack)], path)
	s := &scope{u: u, terragruntDir: terragruntDir, configPath: path, dependent: new(bool), stack: stack}

	// 1. include blocks: evaluated with functions only.
	incs, diags := s.decodeIncludes(body)
	if diags.HasErrors() {
		return nil, s, diags
	}
	s.includes = incs
	exposed := map[string]cty.Value{}
	for _, inc := range incs {
		is := &scope{u: u, terragruntDir: terragruntDir, configPath: inc.path, includes: incs, self: inc, dependent: s.dependent, stack: stack}
		inc.scope = is
		d := is.prepareInclude(inc, stack)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		if inc.expose {
			cfg, d := is.evalBody(inc.body, inc.locals, cty.NilVal, inc.deps, stack, cty.NilVal)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			exposed[inc.name] = configValue(cfg)
		}
	}
	if diags.HasErrors() {
		return nil, s, diags
	}
	var includeVar cty.Value
	if len(incs) > 0 {
		includeVar = exposedIncludes(incs, exposed)
	}

	// 2. Feature flags (the includes' merged under the file's), then the file's own
	// locals and dependency blocks.
	flags, d := s.decodeFeatures(body)
	diags = append(diags, d...)
	for i := len(incs) - 1; i >= 0; i-- {
		if incs[i].mergeStrategy == "no_merge" {
			continue
		}
		var bad []string
		flags, bad = mergeFeatures(incs[i].features, flags, incs[i].mergeStrategy == "deep")
		if len(bad) > 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Feature flags do not merge",
				Detail: fmt.Sprintf("feature %s: a deep merge with %s needs both defaults to be maps (Terragrunt fails on this too).",
					strings.Join(bad, ", "), incs[i].path),
				Subject: incs[i].rng.Ptr(),
			})
		}
	}
	s.features = featureVar(flags)
	locals, d := s.evalLocals(body, includeVar)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, s, diags
	}
	deps, d := s.decodeDependencies(body, locals, includeVar)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, s, diags
	}

	// 3. Dependencies of the includes and of the file, merged by name, then resolved.
	// As Terragrunt: the file's blocks merge over the last include's, that over the
	// one before, each with its include's strategy (deep: mock_outputs deep-merged).
	all := append([]Dependency{}, deps...)
	for i := len(incs) - 1; i >= 0; i-- {
		if incs[i].mergeStrategy == "no_merge" {
			continue
		}
		all = mergeDependencyList(incs[i].deps, all, incs[i].mergeStrategy == "deep")
	}
	depVar, d := s.resolveDependencies(all)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, s, diags
	}

	// 4. Each include's body with the merged dependencies; then the file is merged
	// over the includes, the last include first, each with its own strategy, so the
	// file wins over every include and a later include over an earlier one.
	incCfgs := make([]*Config, len(incs))
	for i, inc := range incs {
		cfg, d := inc.scope.evalBody(inc.body, inc.locals, cty.NilVal, inc.deps, stack, depVar)
		diags = append(diags, d...)
		incCfgs[i] = cfg
	}
	if diags.HasErrors() {
		return nil, s, diags
	}
	merged, d := s.evalBody(body, locals, includeVar, deps, stack, depVar)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, s, diags
	}
	for i := len(incs) - 1; i >= 0; i-- {
		switch incs[i].mergeStrategy {
		case "no_merge":
		case "deep":
			merged = mergeConfig(incCfgs[i], merged, true)
		default:
			if dup := sameGenerateNames(incCfgs[i].Generate, merged.Generate); len(dup) > 0 {
				// Terragrunt refuses this under a shallow merge (a deep merge lets
				// the file's block win).
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate generate block",
					Detail: fmt.Sprintf("generate %s is defined both in %s and in the configuration that includes it; "+
						"Terragrunt refuses this with a shallow merge (use merge_strategy = \"deep\" to let the including file's block win).",
						strings.Join(dup, ", "), incs[i].path),
					Subject: incs[i].rng.Ptr(),
				})
				return nil, s, diags
			}
			merged = mergeConfig(incCfgs[i], merged, false)
		}
	}
	merged.Locals = locals
	merged.Features = flags
	// The dependency blocks that count are the merged set with their resolved outputs.
	merged.Dependency = all
	return merged, s, diags
}

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
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(s.configPath), p)
		}
		inc.path = filepath.Clean(p)
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

// evalLocals evaluates the locals block of body in dependency order.
func (s *scope) evalLocals(body *hclsyntax.Body, includeVar cty.Value) (cty.Value, hcl.Diagnostics) {
	var block *hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == "locals" {
			block = b
		}
	}
	if block == nil {
		return cty.EmptyObjectVal, nil
	}
	var diags hcl.Diagnostics
	if len(block.Body.Blocks) > 0 {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unexpected block in locals",
			Detail:   "The locals block holds attributes only.",
			Subject:  block.Body.Blocks[0].DefRange().Ptr(),
		}}
	}
	attrs := block.Body.Attributes
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	deps := map[string][]string{}
	for _, n := range names {
		for _, tr := range attrs[n].Expr.Variables() {
			if tr.RootName() != "local" || len(tr) < 2 {
				continue
			}
			var ref string
			switch step := tr[1].(type) {
			case hcl.TraverseAttr:
				ref = step.Name
			case hcl.TraverseIndex:
				if step.Key.Type() == cty.String {
					ref = step.Key.AsString()
				}
			}
			if ref == "" {
				continue
			}
			if _, ok := attrs[ref]; !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown local",
					Detail:   fmt.Sprintf("local.%s refers to a local that this file does not define.", ref),
					Subject:  tr.SourceRange().Ptr(),
				})
				continue
			}
			deps[n] = append(deps[n], ref)
		}
	}
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	// Depth-first order; a cycle is an error naming every local on it.
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var order []string
	var path []string
	var visit func(n string) bool
	visit = func(n string) bool {
		switch color[n] {
		case grey:
			i := 0
			for path[i] != n {
				i++
			}
			cycle := append(append([]string{}, path[i:]...), n)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cycle in locals",
				Detail:   "These locals refer to each other: local." + strings.Join(cycle, " -> local.") + ".",
				Subject:  attrs[n].NameRange.Ptr(),
			})
			return false
		case black:
			return true
		}
		color[n] = grey
		path = append(path, n)
		for _, d := range deps[n] {
			if !visit(d) {
				return false
			}
		}
		path = path[:len(path)-1]
		color[n] = black
		order = append(order, n)
		return true
	}
	for _, n := range names {
		if !visit(n) {
			return cty.NilVal, diags
		}
	}
	vals := map[string]cty.Value{}
	for _, n := range order {
		vars := map[string]cty.Value{"local": cty.ObjectVal(vals)}
		if includeVar != cty.NilVal {
			vars["include"] = includeVar
		}
		v, d := attrs[n].Expr.Value(s.evalContext(vars))
		diags = append(diags, d...)
		if d.HasErrors() {
			return cty.NilVal, diags
		}
		vals[n] = v
	}
	return cty.ObjectVal(vals), diags
}

// vars builds the variables of an evaluation.
func vars(locals, includeVar, depVar cty.Value) map[string]cty.Value {
	m := map[string]cty.Value{"local": locals}
	if includeVar != cty.NilVal {
		m["include"] = includeVar
	}
	if depVar != cty.NilVal {
		m["dependency"] = depVar
	}
	return m
}
