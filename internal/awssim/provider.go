package awssim

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// DefaultAccount is the account simulated when the provider block names none
// (allowed_account_ids, assume_role).
const DefaultAccount = "123456789012"

// DriftEnv names the environment variable holding the path of a drift file: changes
// made to simulated resources out of band (see Drift).
const DriftEnv = "OLECHKA_AWSSIM_DRIFT"

// simulatedWarning is the summary of the warning every plan and apply carries.
const simulatedWarning = "AWS is simulated"

// Provider is the simulated aws provider. It is safe for concurrent use: OpenTofu
// calls it from several goroutines.
type Provider struct {
	src       *schema.Schema
	provider  *typeSchema
	resources map[string]*typeSchema
	data      map[string]*typeSchema
	ephemeral map[string]*typeSchema

	mu  sync.RWMutex
	cfg config
}

// config is what the provider block configured.
type config struct {
	region      string
	account     string
	defaultTags map[string]string
	driftFile   string
}

// New builds a provider serving the schema s.
func New(s *schema.Schema) (*Provider, error) {
	p := &Provider{src: s, resources: map[string]*typeSchema{}, data: map[string]*typeSchema{}, ephemeral: map[string]*typeSchema{}}
	pc := s.ProviderConfig
	if pc == nil {
		pc = &schema.Block{}
	}
	ts, err := newTypeSchema("provider", pc)
	if err != nil {
		return nil, err
	}
	p.provider = ts
	for _, set := range []struct {
		src map[string]*schema.Block
		dst map[string]*typeSchema
	}{{s.Resources, p.resources}, {s.DataSources, p.data}, {s.Ephemeral, p.ephemeral}} {
		for n, b := range set.src {
			ts, err := newTypeSchema(n, b)
			if err != nil {
				return nil, err
			}
			set.dst[n] = ts
		}
	}
	p.cfg = config{region: "us-east-1", account: DefaultAccount}
	return p, nil
}

// Load reads the schema file and builds a provider on it.
func Load(path string) (*Provider, error) {
	s, err := schema.Load(path)
	if err != nil {
		return nil, err
	}
	return New(s)
}

func (p *Provider) config() config {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.cfg
}

func warning(what string) *tfprotov5.Diagnostic {
	return &tfprotov5.Diagnostic{
		Severity: tfprotov5.DiagnosticSeverityWarning,
		Summary:  simulatedWarning,
		Detail: what + " by olechka's AWS simulator (hashicorp/aws 6.66.0 schema, no AWS API called). " +
			"A clean result here does not promise one against AWS: see docs/simulator.md.",
	}
}

func errDiag(format string, args ...any) *tfprotov5.Diagnostic {
	return &tfprotov5.Diagnostic{Severity: tfprotov5.DiagnosticSeverityError, Summary: "AWS simulator", Detail: fmt.Sprintf(format, args...)}
}

func decode(dv *tfprotov5.DynamicValue, ty cty.Type) (cty.Value, error) {
	if dv == nil {
		return cty.NullVal(ty), nil
	}
	if len(dv.MsgPack) > 0 {
		return ctymsgpack.Unmarshal(dv.MsgPack, ty)
	}
	if len(dv.JSON) > 0 {
		return unmarshalJSON(dv.JSON, ty)
	}
	return cty.NullVal(ty), nil
}

func encode(v cty.Value, ty cty.Type) (*tfprotov5.DynamicValue, error) {
	b, err := ctymsgpack.Marshal(v, ty)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.DynamicValue{MsgPack: b}, nil
}

// ---- provider ---------------------------------------------------------------------

func (p *Provider) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	r := &tfprotov5.GetMetadataResponse{ServerCapabilities: &tfprotov5.ServerCapabilities{PlanDestroy: true}}
	for _, n := range sortedKeys(p.resources) {
		r.Resources = append(r.Resources, tfprotov5.ResourceMetadata{TypeName: n})
	}
	for _, n := range sortedKeys(p.data) {
		r.DataSources = append(r.DataSources, tfprotov5.DataSourceMetadata{TypeName: n})
	}
	for _, n := range sortedKeys(p.ephemeral) {
		r.EphemeralResources = append(r.EphemeralResources, tfprotov5.EphemeralResourceMetadata{TypeName: n})
	}
	return r, nil
}

func (p *Provider) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	r := &tfprotov5.GetProviderSchemaResponse{
		ServerCapabilities:       &tfprotov5.ServerCapabilities{PlanDestroy: true},
		Provider:                 p.provider.proto,
		ResourceSchemas:          map[string]*tfprotov5.Schema{},
		DataSourceSchemas:        map[string]*tfprotov5.Schema{},
		EphemeralResourceSchemas: map[string]*tfprotov5.Schema{},
		Functions:                map[string]*tfprotov5.Function{},
	}
	for n, ts := range p.resources {
		r.ResourceSchemas[n] = ts.proto
	}
	for n, ts := range p.data {
		r.DataSourceSchemas[n] = ts.proto
	}
	for n, ts := range p.ephemeral {
		r.EphemeralResourceSchemas[n] = ts.proto
	}
	return r, nil
}

func (p *Provider) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov5.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov5.ResourceIdentitySchema{}}, nil
}

func (p *Provider) PrepareProviderConfig(_ context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	return &tfprotov5.PrepareProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (p *Provider) ConfigureProvider(_ context.Context, req *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	v, err := decode(req.Config, p.provider.ty)
	if err != nil {
		return &tfprotov5.ConfigureProviderResponse{Diagnostics: []*tfprotov5.Diagnostic{errDiag("decode provider configuration: %v", err)}}, nil
	}
	c := config{region: "us-east-1", account: DefaultAccount, driftFile: os.Getenv(DriftEnv)}
	if r := getString(v, "region"); r != "" {
		c.region = r
	} else if r := os.Getenv("AWS_REGION"); r != "" {
		c.region = r
	} else if r := os.Getenv("AWS_DEFAULT_REGION"); r != "" {
		c.region = r
	}
	if ids := getStrings(v, "allowed_account_ids"); len(ids) > 0 {
		c.account = ids[0]
	} else if acct := accountOfRole(v); acct != "" {
		c.account = acct
	}
	c.defaultTags = map[string]string{}
	if dt := getAttr(v, "default_tags"); dt.IsKnown() && !dt.IsNull() && dt.LengthInt() > 0 {
		for it := dt.ElementIterator(); it.Next(); {
			_, blk := it.Element()
			for k, t := range getStringMap(blk, "tags") {
				c.defaultTags[k] = t
			}
		}
	}
	p.mu.Lock()
	p.cfg = c
	p.mu.Unlock()
	return &tfprotov5.ConfigureProviderResponse{}, nil
}

// accountOfRole reads the account from assume_role's role_arn (arn:aws:iam::ACCOUNT:role/x).
func accountOfRole(v cty.Value) string {
	ar := getAttr(v, "assume_role")
	if !ar.IsKnown() || ar.IsNull() || ar.LengthInt() == 0 {
		return ""
	}
	for it := ar.ElementIterator(); it.Next(); {
		_, blk := it.Element()
		if a := accountOfARN(getString(blk, "role_arn")); a != "" {
			return a
		}
	}
	return ""
}

func (p *Provider) StopProvider(context.Context, *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	return &tfprotov5.StopProviderResponse{}, nil
}

// ---- functions and ephemeral resources (none have simulated semantics) ------------

func (p *Provider) CallFunction(_ context.Context, req *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	return &tfprotov5.CallFunctionResponse{Error: &tfprotov5.FunctionError{Text: "the AWS simulator serves no provider functions: " + req.Name}}, nil
}

func (p *Provider) GetFunctions(context.Context, *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	return &tfprotov5.GetFunctionsResponse{Functions: map[string]*tfprotov5.Function{}}, nil
}

func (p *Provider) ValidateEphemeralResourceConfig(context.Context, *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{}, nil
}

func (p *Provider) OpenEphemeralResource(_ context.Context, req *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	ts, ok := p.ephemeral[req.TypeName]
	if !ok {
		return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: []*tfprotov5.Diagnostic{errDiag("unknown ephemeral resource type %s", req.TypeName)}}, nil
	}
	cfg, err := decode(req.Config, ts.ty)
	if err != nil {
		return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: []*tfprotov5.Diagnostic{errDiag("decode %s: %v", req.TypeName, err)}}, nil
	}
	out := p.fill(ts, ts.block, cfg, p.identity(ts.name, cfg))
	dv, err := encode(out, ts.ty)
	if err != nil {
		return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: []*tfprotov5.Diagnostic{errDiag("encode %s: %v", req.TypeName, err)}}, nil
	}
	return &tfprotov5.OpenEphemeralResourceResponse{Result: dv, Diagnostics: []*tfprotov5.Diagnostic{warning("Opened")}}, nil
}

func (p *Provider) RenewEphemeralResource(context.Context, *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return &tfprotov5.RenewEphemeralResourceResponse{}, nil
}

func (p *Provider) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return &tfprotov5.CloseEphemeralResourceResponse{}, nil
}

var _ tfprotov5.ProviderServer = (*Provider)(nil)
