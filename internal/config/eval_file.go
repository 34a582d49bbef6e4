package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

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
