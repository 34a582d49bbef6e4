package awssim

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

func (p *Provider) resource(name string) (*typeSchema, *tfprotov5.Diagnostic) {
	ts, err := p.resources.lookup(name)
	if err != nil || ts == nil {
		return nil, unknownType("resource type", name, err)
	}
	return ts, nil
}

// unknownType is the error for a type the schema lacks (err nil) or cannot serve.
func unknownType(kind, name string, err error) *tfprotov5.Diagnostic {
	if err != nil {
		return errDiag("%v", err)
	}
	return errDiag("the aws provider 6.66.0 has no %s %s", kind, name)
}

func diags(d ...*tfprotov5.Diagnostic) []*tfprotov5.Diagnostic { return d }

func (p *Provider) ValidateResourceTypeConfig(_ context.Context, req *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	ts, d := p.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: diags(d)}, nil
	}
	cfg, err := decode(req.Config, ts.ty)
	if err != nil {
		return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: diags(errDiag("decode %s: %v", req.TypeName, err))}, nil
	}
	return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: validateConfig(ts, cfg)}, nil
}

// UpgradeResourceState reads stored state as the current schema's value, ignoring
// attributes the schema no longer has (state written by an older schema).
func (p *Provider) UpgradeResourceState(_ context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	ts, d := p.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: diags(d)}, nil
	}
	if req.RawState == nil || len(req.RawState.JSON) == 0 {
		dv, _ := encode(cty.NullVal(ts.ty), ts.ty)
		return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: dv}, nil
	}
	v, err := unmarshalJSON(req.RawState.JSON, ts.ty)
	if err != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: diags(errDiag("read stored state of %s: %v", req.TypeName, err))}, nil
	}
	dv, err := encode(v, ts.ty)
	if err != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: diags(errDiag("encode %s: %v", req.TypeName, err))}, nil
	}
	return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: dv}, nil
}

// unmarshalJSON decodes JSON into a value of type ty, dropping object attributes the
// type does not have and giving missing ones null.
func unmarshalJSON(b []byte, ty cty.Type) (cty.Value, error) {
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		return cty.NilVal, err
	}
	clean, err := json.Marshal(conformJSON(raw, ty))
	if err != nil {
		return cty.NilVal, err
	}
	return ctyjson.Unmarshal(clean, ty)
}

// conformJSON shapes a decoded JSON value to ty: unknown object keys are dropped.
func conformJSON(v any, ty cty.Type) any {
	if v == nil {
		return nil
	}
	switch {
	case ty.IsObjectType():
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for n, at := range ty.AttributeTypes() {
			out[n] = conformJSON(m[n], at)
		}
		return out
	case ty.IsListType(), ty.IsSetType():
		l, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = conformJSON(e, ty.ElementType())
		}
		return out
	case ty.IsMapType():
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		for k, e := range m {
			out[k] = conformJSON(e, ty.ElementType())
		}
		return out
	case ty == cty.DynamicPseudoType:
		// stored as {"value": ..., "type": ...} by cty's JSON encoding
		return v
	}
	return v
}

func (p *Provider) ReadResource(_ context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	ts, d := p.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: diags(d)}, nil
	}
	cur, err := decode(req.CurrentState, ts.ty)
	if err != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: diags(errDiag("decode %s: %v", req.TypeName, err))}, nil
	}
	out, derr := p.applyDrift(ts, cur)
	if derr != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: diags(errDiag("%v", derr))}, nil
	}
	dv, err := encode(out, ts.ty)
	if err != nil {
		return &tfprotov5.ReadResourceResponse{Diagnostics: diags(errDiag("encode %s: %v", req.TypeName, err))}, nil
	}
	return &tfprotov5.ReadResourceResponse{NewState: dv, Private: req.Private}, nil
}

func (p *Provider) PlanResourceChange(_ context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	ts, d := p.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: diags(d)}, nil
	}
	prior, err := decode(req.PriorState, ts.ty)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: diags(errDiag("decode prior state of %s: %v", req.TypeName, err))}, nil
	}
	proposed, err := decode(req.ProposedNewState, ts.ty)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: diags(errDiag("decode proposed state of %s: %v", req.TypeName, err))}, nil
	}
	cfg, err := decode(req.Config, ts.ty)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: diags(errDiag("decode configuration of %s: %v", req.TypeName, err))}, nil
	}
	planned, replace := p.plan(ts, prior, proposed, cfg)
	dv, err := encode(planned, ts.ty)
	if err != nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: diags(errDiag("encode planned state of %s: %v", req.TypeName, err))}, nil
	}
	resp := &tfprotov5.PlanResourceChangeResponse{PlannedState: dv, PlannedPrivate: req.PriorPrivate, Diagnostics: diags(warning("Planned"))}
	for _, a := range replace {
		resp.RequiresReplace = append(resp.RequiresReplace, tftypes.NewAttributePath().WithAttributeName(a))
	}
	return resp, nil
}

func (p *Provider) ApplyResourceChange(_ context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	ts, d := p.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: diags(d)}, nil
	}
	planned, err := decode(req.PlannedState, ts.ty)
	if err != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: diags(errDiag("decode planned state of %s: %v", req.TypeName, err))}, nil
	}
	if planned.IsNull() {
		dv, _ := encode(planned, ts.ty)
		return &tfprotov5.ApplyResourceChangeResponse{NewState: dv, Diagnostics: diags(warning("Destroyed"))}, nil
	}
	prior, err := decode(req.PriorState, ts.ty)
	if err != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: diags(errDiag("decode prior state of %s: %v", req.TypeName, err))}, nil
	}
	id := p.identity(ts.name, planned)
	if !prior.IsNull() {
		if old := getString(prior, "id"); old != "" {
			id.priorID = old
		}
	}
	out := p.fill(ts, ts.block, customizeApply(ts, planned, id), id)
	dv, err := encode(out, ts.ty)
	if err != nil {
		return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: diags(errDiag("encode new state of %s: %v", req.TypeName, err))}, nil
	}
	return &tfprotov5.ApplyResourceChangeResponse{NewState: dv, Private: req.PlannedPrivate, Diagnostics: diags(warning("Applied"))}, nil
}

// ImportResourceState imports a resource by the id an import block gives: its state
// holds the id and the attributes derivable from it; the next plan fills in the rest
// from the configuration, as with a real import of a resource the configuration
// matches.
func (p *Provider) ImportResourceState(_ context.Context, req *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	ts, d := p.resource(req.TypeName)
	if d != nil {
		return &tfprotov5.ImportResourceStateResponse{Diagnostics: diags(d)}, nil
	}
	v := p.imported(ts, req.ID)
	dv, err := encode(v, ts.ty)
	if err != nil {
		return &tfprotov5.ImportResourceStateResponse{Diagnostics: diags(errDiag("encode imported %s: %v", req.TypeName, err))}, nil
	}
	return &tfprotov5.ImportResourceStateResponse{
		ImportedResources: []*tfprotov5.ImportedResource{{TypeName: req.TypeName, State: dv}},
		Diagnostics:       diags(warning("Imported")),
	}, nil
}

func (p *Provider) MoveResourceState(_ context.Context, req *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	return &tfprotov5.MoveResourceStateResponse{Diagnostics: diags(errDiag("moving resources across types is not simulated (%s)", req.TargetTypeName))}, nil
}

func (p *Provider) UpgradeResourceIdentity(_ context.Context, req *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return &tfprotov5.UpgradeResourceIdentityResponse{Diagnostics: diags(errDiag("resource identities are not simulated (%s)", req.TypeName))}, nil
}

func (p *Provider) GenerateResourceConfig(_ context.Context, req *tfprotov5.GenerateResourceConfigRequest) (*tfprotov5.GenerateResourceConfigResponse, error) {
	return &tfprotov5.GenerateResourceConfigResponse{Diagnostics: diags(errDiag("generating configuration is not simulated (%s)", req.TypeName))}, nil
}

// ---- data sources -----------------------------------------------------------------

func (p *Provider) ValidateDataSourceConfig(_ context.Context, req *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	ts, err := p.data.lookup(req.TypeName)
	if err != nil || ts == nil {
		return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: diags(unknownType("data source", req.TypeName, err))}, nil
	}
	cfg, err := decode(req.Config, ts.ty)
	if err != nil {
		return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: diags(errDiag("decode %s: %v", req.TypeName, err))}, nil
	}
	return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: validateConfig(ts, cfg)}, nil
}

func (p *Provider) ReadDataSource(_ context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	ts, err := p.data.lookup(req.TypeName)
	if err != nil || ts == nil {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: diags(unknownType("data source", req.TypeName, err))}, nil
	}
	cfg, err := decode(req.Config, ts.ty)
	if err != nil {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: diags(errDiag("decode %s: %v", req.TypeName, err))}, nil
	}
	out, derr := p.readData(ts, cfg)
	if derr != nil {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: diags(derr)}, nil
	}
	dv, err := encode(out, ts.ty)
	if err != nil {
		return &tfprotov5.ReadDataSourceResponse{Diagnostics: diags(errDiag("encode %s: %v", req.TypeName, err))}, nil
	}
	return &tfprotov5.ReadDataSourceResponse{State: dv}, nil
}
