package config

import (
	"fmt"
	"iter"
	"maps"
	"path/filepath"
	"slices"
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
	for _, n := range slices.Sorted(maps.Keys(body.Attributes)) {
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
// read_terragrunt_config) with its includes merged, in Terragrunt's order: the
// include blocks, feature flags, locals and dependency blocks, the dependencies'
// outputs, then every body, merged. stack holds the files being read above it, to
// catch read cycles.
func (u *unitEval) evalConfigFile(path, terragruntDir string, stack []string) (*Config, *scope, hcl.Diagnostics) {
	if d := readCycle(path, stack); d != nil {
		return nil, nil, d
	}
	body, diags := u.parseConfigFile(path)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	stack = append(stack[:len(stack):len(stack)], path)
	s := &scope{u: u, terragruntDir: terragruntDir, configPath: path, dependent: new(bool), stack: stack}

	// 1. include blocks: evaluated with functions only.
	incs, includeVar, diags := s.evalIncludes(body)
	if diags.HasErrors() {
		return nil, s, diags
	}

	// 2. Feature flags (the includes' merged under the file's), then the file's own
	// locals and dependency blocks.
	flags, d := s.mergeFeatureFlags(body, incs)
	diags = append(diags, d...)
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
	all := mergeIncludedDependencies(incs, deps)
	depVar, d := s.resolveDependencies(all)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, s, diags
	}

	// 4. Each include's body with the merged dependencies, the file's body, then the
	// file merged over the includes.
	incCfgs, d := evalIncludeBodies(incs, depVar)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, s, diags
	}
	merged, d := s.evalBody(body, locals, includeVar, deps, depVar)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, s, diags
	}
	merged, d = mergeOverIncludes(incs, incCfgs, merged)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, s, diags
	}
	merged.Locals = locals
	merged.Features = flags
	// The dependency blocks that count are the merged set with their resolved outputs.
	merged.Dependency = all
	return merged, s, diags
}

// readCycle reports path being read again by a file it reads (stack holds the files
// being read above it); nil when it is not.
func readCycle(path string, stack []string) hcl.Diagnostics {
	if !slices.Contains(stack, path) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Configuration read cycle",
		Detail:   fmt.Sprintf("%s reads itself through %s.", path, strings.Join(append(stack[:len(stack):len(stack)], path), " -> ")),
	}}
}

// parseConfigFile parses a Terragrunt file, records it as read and checks its
// top-level attributes and blocks.
func (u *unitEval) parseConfigFile(path string) (*hclsyntax.Body, hcl.Diagnostics) {
	body, diags, err := u.e.parse(path)
	u.read(path)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration",
			Detail:   err.Error(),
		}}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	if d := checkTopLevel(body); d.HasErrors() {
		return nil, d
	}
	return body, nil
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

// mergeFeatureFlags decodes the file's feature blocks and merges them over the
// includes' flags.
func (s *scope) mergeFeatureFlags(body *hclsyntax.Body, incs []*include) ([]FeatureFlag, hcl.Diagnostics) {
	flags, diags := s.decodeFeatures(body)
	for _, inc := range mergingIncludes(incs) {
		var bad []string
		flags, bad = mergeFeatures(inc.features, flags, inc.mergeStrategy == "deep")
		if len(bad) > 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Feature flags do not merge",
				Detail: fmt.Sprintf("feature %s: a deep merge with %s needs both defaults to be maps (Terragrunt fails on this too).",
					strings.Join(bad, ", "), inc.path),
				Subject: inc.rng.Ptr(),
			})
		}
	}
	return flags, diags
}

// mergeIncludedDependencies merges the file's dependency blocks over the includes'
// by name, each with its include's strategy (deep: mock_outputs deep-merged).
func mergeIncludedDependencies(incs []*include, deps []Dependency) []Dependency {
	all := append([]Dependency{}, deps...)
	for _, inc := range mergingIncludes(incs) {
		all = mergeDependencyList(inc.deps, all, inc.mergeStrategy == "deep")
	}
	return all
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

// mergeOverIncludes merges the file's config over the includes' configs, each with
// its include's strategy, so the file wins over every include and a later include
// over an earlier one.
func mergeOverIncludes(incs []*include, incCfgs []*Config, merged *Config) (*Config, hcl.Diagnostics) {
	for i, inc := range mergingIncludes(incs) {
		if inc.mergeStrategy == "deep" {
			merged = mergeConfig(incCfgs[i], merged, true)
			continue
		}
		if dup := sameGenerateNames(incCfgs[i].Generate, merged.Generate); len(dup) > 0 {
			// Terragrunt refuses this under a shallow merge (a deep merge lets the
			// file's block win).
			return nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Duplicate generate block",
				Detail: fmt.Sprintf("generate %s is defined both in %s and in the configuration that includes it; "+
					"Terragrunt refuses this with a shallow merge (use merge_strategy = \"deep\" to let the including file's block win).",
					strings.Join(dup, ", "), inc.path),
				Subject: inc.rng.Ptr(),
			}}
		}
		merged = mergeConfig(incCfgs[i], merged, false)
	}
	return merged, nil
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
