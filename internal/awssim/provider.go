package awssim

import (
	"context"
	"encoding/json"
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
	provider  *typeSchema
	resources *typeSet
	data      *typeSet
	ephemeral *typeSet

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

// New builds a provider serving the schema s. Types are converted to protocol schemas
// on first use.
func New(s *schema.Schema) (*Provider, error) {
	p, err := baseProvider(s.ProviderConfig)
	if err != nil {
		return nil, err
	}
	p.resources = newTypeSet("resource", s.Resources, nil)
	p.data = newTypeSet("data source", s.DataSources, nil)
	p.ephemeral = newTypeSet("ephemeral resource", s.Ephemeral, nil)
	return p, nil
}

// Load reads the schema file and builds a provider on it. The file's types stay raw
// JSON until a request needs them: a provider process OpenTofu starts to plan or
// apply a few types does not decode the whole schema (docs/simulator.md, Speed).
func Load(path string) (*Provider, error) {
	l, err := schema.LoadLazy(path)
	if err != nil {
		return nil, err
	}
	p, err := baseProvider(l.ProviderConfig)
	if err != nil {
		return nil, err
	}
	p.resources = newTypeSet("resource", nil, l.Resources)
	p.data = newTypeSet("data source", nil, l.DataSources)
	p.ephemeral = newTypeSet("ephemeral resource", nil, orEmpty(l.Ephemeral))
	return p, nil
}

func orEmpty(m map[string]json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		return map[string]json.RawMessage{}
	}
	return m
}

func baseProvider(pc *schema.Block) (*Provider, error) {
	if pc == nil {
		pc = &schema.Block{}
	}
	ts, err := newTypeSchema("provider", pc)
	if err != nil {
		return nil, err
	}
	return &Provider{provider: ts, cfg: config{region: "us-east-1", account: DefaultAccount}}, nil
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

// capabilities: GetProviderSchemaOptional lets OpenTofu serve the schema from its
// in-process cache to every further instance of the provider it starts, so only the
// first one per command builds the whole schema.
func capabilities() *tfprotov5.ServerCapabilities {
	return &tfprotov5.ServerCapabilities{PlanDestroy: true, GetProviderSchemaOptional: true}
}

func (p *Provider) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	r := &tfprotov5.GetMetadataResponse{ServerCapabilities: capabilities()}
	for _, n := range p.resources.names() {
		r.Resources = append(r.Resources, tfprotov5.ResourceMetadata{TypeName: n})
	}
	for _, n := range p.data.names() {
		r.DataSources = append(r.DataSources, tfprotov5.DataSourceMetadata{TypeName: n})
	}
	for _, n := range p.ephemeral.names() {
		r.EphemeralResources = append(r.EphemeralResources, tfprotov5.EphemeralResourceMetadata{TypeName: n})
	}
	return r, nil
}

func (p *Provider) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	r := &tfprotov5.GetProviderSchemaResponse{
		ServerCapabilities:       capabilities(),
		Provider:                 p.provider.proto,
		ResourceSchemas:          map[string]*tfprotov5.Schema{},
		DataSourceSchemas:        map[string]*tfprotov5.Schema{},
		EphemeralResourceSchemas: map[string]*tfprotov5.Schema{},
		Functions:                map[string]*tfprotov5.Function{},
	}
	for _, set := range []struct {
		types *typeSet
		dst   map[string]*tfprotov5.Schema
	}{{p.resources, r.ResourceSchemas}, {p.data, r.DataSourceSchemas}, {p.ephemeral, r.EphemeralResourceSchemas}} {
		all, err := set.types.all()
		if err != nil {
			return &tfprotov5.GetProviderSchemaResponse{Diagnostics: []*tfprotov5.Diagnostic{errDiag("%v", err)}}, nil
		}
		for n, ts := range all {
			set.dst[n] = ts.proto
		}
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
	ts, err := p.ephemeral.lookup(req.TypeName)
	if err != nil || ts == nil {
		return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: []*tfprotov5.Diagnostic{unknownType("ephemeral resource", req.TypeName, err)}}, nil
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
