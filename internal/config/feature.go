package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// FeatureFlag is a feature block: feature "NAME" { default = ... }. Its value is its
// default: olechka takes no --feature overrides.
type FeatureFlag struct {
	Name    string
	Default cty.Value
}

// decodeFeatures evaluates the feature blocks of body as Terragrunt does, before
// locals and with functions only. A block without default is an error, as in
// Terragrunt; so is a name used twice.
func (s *scope) decodeFeatures(body *hclsyntax.Body) ([]FeatureFlag, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []FeatureFlag
	seen := map[string]bool{}
	ctx := s.evalContext(nil)
	for _, b := range body.Blocks {
		if b.Type != "feature" {
			continue
		}
		name := b.Labels[0]
		d := checkAttrs(b.Body, "feature", nil, "default")
		d = append(d, noBlocks(b.Body, "feature")...)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		if seen[name] {
			diags = append(diags, duplicateBlock("feature", name, b))
			continue
		}
		seen[name] = true
		a, ok := b.Body.Attributes["default"]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Feature flag without default",
				Detail:   fmt.Sprintf("feature %q has no default value (Terragrunt refuses this too).", name),
				Subject:  b.DefRange().Ptr(),
			})
			continue
		}
		v, d := a.Expr.Value(ctx)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		out = append(out, FeatureFlag{Name: name, Default: v})
	}
	return out, diags
}

// mergeFeatures merges a file's feature flags over an included file's by name: the
// file's replace the include's, or with a deep merge their defaults merge (maps
// only: Terragrunt fails on others, and so does this, naming them in bad).
func mergeFeatures(parent, child []FeatureFlag, deep bool) (out []FeatureFlag, bad []string) {
	out = append([]FeatureFlag(nil), parent...)
	for _, c := range child {
		replaced := false
		for i := range out {
			if out[i].Name != c.Name {
				continue
			}
			if deep {
				isMap := func(v cty.Value) bool {
					return !v.IsNull() && (v.Type().IsObjectType() || v.Type().IsMapType())
				}
				if !isMap(out[i].Default) || !isMap(c.Default) {
					bad = append(bad, c.Name)
				}
				c.Default = deepMerge(out[i].Default, c.Default, true)
			}
			out[i] = c
			replaced = true
			break
		}
		if !replaced {
			out = append(out, c)
		}
	}
	return out, bad
}

// featureVar is the feature variable: feature.NAME.value and feature.NAME.name.
func featureVar(flags []FeatureFlag) cty.Value {
	m := make(map[string]cty.Value, len(flags))
	for _, f := range flags {
		m[f.Name] = cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(f.Name), "value": f.Default})
	}
	return cty.ObjectVal(m)
}
