package tfmodule

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Convert converts a value to the variable's type as OpenTofu does for an input: the
// defaults of optional object attributes are applied, then the value is converted.
func (v *Variable) Convert(val cty.Value) (cty.Value, error) {
	if val.IsNull() {
		if !v.Nullable {
			return cty.NilVal, fmt.Errorf("the value must not be null")
		}
		return cty.NullVal(v.Type), nil
	}
	if v.TypeDefaults != nil {
		val = v.TypeDefaults.Apply(val)
	}
	out, err := convert.Convert(val, v.Type)
	if err != nil {
		return cty.NilVal, err
	}
	return out, nil
}

// Check validates a value for the variable as OpenTofu would at plan time: the value is
// converted to the variable's type, then every validation block's condition is evaluated
// with var.<name> set to it. A failed condition yields an error diagnostic whose Detail is
// the block's error_message; the Subject points at the validation block.
func (v *Variable) Check(val cty.Value) hcl.Diagnostics {
	conv, err := v.Convert(val)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("Unsuitable value for var.%s: %s.", v.Name, err), Subject: v.Range.Ptr()}}
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.Name: conv})},
		Functions: Functions(),
	}
	var diags hcl.Diagnostics
	for _, rule := range v.Validations {
		res, d := rule.Condition.Value(ctx)
		if d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		if !res.IsKnown() {
			continue
		}
		res, err := convert.Convert(res, cty.Bool)
		if err != nil || res.IsNull() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid validation condition",
				Detail: "The condition must be a bool.", Subject: rule.Condition.Range().Ptr()})
			continue
		}
		if res.True() {
			continue
		}
		msg := "(error_message could not be evaluated)"
		if m, d := rule.ErrorMessage.Value(ctx); !d.HasErrors() && m.Type() == cty.String && m.IsKnown() && !m.IsNull() {
			msg = m.AsString()
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: msg, Subject: rule.Range.Ptr()})
	}
	return diags
}
