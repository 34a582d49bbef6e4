package config

import (
	"errors"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// decodeRemoteState decodes the remote_state block; nil when its attributes are wrong.
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
		rs.Generate = decodeRemoteStateGenerate(a, ctx, diags)
	}
	return rs
}

// decodeRemoteStateGenerate decodes remote_state's generate = { path, if_exists };
// nil when it is null or does not evaluate.
func decodeRemoteStateGenerate(a *hclsyntax.Attribute, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *RemoteStateGenerate {
	v, d := a.Expr.Value(ctx)
	*diags = append(*diags, d...)
	if d.HasErrors() || v.IsNull() {
		return nil
	}
	ty := cty.Object(map[string]cty.Type{"path": cty.String, "if_exists": cty.String})
	cv, err := convert.Convert(v, ty)
	if err == nil && (!cv.IsWhollyKnown() || cv.GetAttr("path").IsNull() || cv.GetAttr("if_exists").IsNull()) {
		err = errors.New("path and if_exists must both be set")
	}
	if err != nil {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid remote_state.generate",
			Detail:   "generate must be an object with path and if_exists: " + err.Error(),
			Subject:  a.Expr.Range().Ptr(),
		})
		return nil
	}
	return &RemoteStateGenerate{Path: cv.GetAttr("path").AsString(), IfExists: cv.GetAttr("if_exists").AsString(), Range: a.Expr.Range()}
}
