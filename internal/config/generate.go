package config

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// decodeGenerate decodes a generate block named name; nil when its attributes are wrong.
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
