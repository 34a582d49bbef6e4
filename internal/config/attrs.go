package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
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

// duplicateBlock reports a second block of kind (dependency, feature) named name in
// one file.
func duplicateBlock(kind, name string, b *hclsyntax.Block) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind + " block",
		Detail:   fmt.Sprintf("A %s named %q is already defined in this file.", kind, name),
		Subject:  b.DefRange().Ptr(),
	}
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
