package awssim

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

var (
	loadOnce sync.Once
	loaded   *schema.Schema
	loadErr  error
)

// newProvider builds a simulator on the cache's extracted schema, configured for
// eu-central-1, account 111111111111 and default tags.
func newProvider(t testing.TB) *Provider {
	t.Helper()
	path := testenv.File(t, schema.FileName)
	loadOnce.Do(func() { loaded, loadErr = schema.Load(path) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	p, err := New(loaded)
	if err != nil {
		t.Fatal(err)
	}
	cfg := objectOf(t, p.provider, map[string]cty.Value{
		"region":              cty.StringVal("eu-central-1"),
		"allowed_account_ids": cty.SetVal([]cty.Value{cty.StringVal("111111111111")}),
		"default_tags": cty.ListVal([]cty.Value{objectOf(t, blockTS(p.provider, "default_tags"), map[string]cty.Value{
			"tags": cty.MapVal(map[string]cty.Value{"env": cty.StringVal("dev")}),
		})}),
	})
	dv, err := encode(cfg, p.provider.ty)
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.ConfigureProvider(context.Background(), &tfprotov5.ConfigureProviderRequest{Config: dv})
	if err != nil || len(r.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, r.Diagnostics)
	}
	return p
}

// blockTS is the type schema of a nested block (for building values).
func blockTS(ts *typeSchema, name string) *typeSchema {
	et := ts.ty.AttributeType(name)
	if et.IsListType() || et.IsSetType() {
		et = et.ElementType()
	}
	return &typeSchema{name: name, block: ts.block.Blocks[name].Body(), ty: et}
}

// objectOf builds a value of ts's type: the given attributes, null for the rest (empty
// collections for nested blocks).
func objectOf(t testing.TB, ts *typeSchema, set map[string]cty.Value) cty.Value {
	t.Helper()
	m := map[string]cty.Value{}
	for n, at := range ts.ty.AttributeTypes() {
		if v, ok := set[n]; ok {
			m[n] = v
			continue
		}
		switch {
		case ts.block.Blocks[n] != nil && at.IsListType():
			m[n] = cty.ListValEmpty(at.ElementType())
		case ts.block.Blocks[n] != nil && at.IsSetType():
			m[n] = cty.SetValEmpty(at.ElementType())
		default:
			m[n] = cty.NullVal(at)
		}
	}
	for n := range set {
		if !ts.ty.HasAttribute(n) {
			t.Fatalf("%s has no attribute %s", ts.name, n)
		}
	}
	return cty.ObjectVal(m)
}

// planApply plans the creation of a resource from config and applies it.
func planApply(t testing.TB, p *Provider, typ string, cfg cty.Value) (planned, applied cty.Value) {
	t.Helper()
	ts := p.resources.get(typ)
	ctx := context.Background()
	null, _ := encode(cty.NullVal(ts.ty), ts.ty)
	c, err := encode(cfg, ts.ty)
	if err != nil {
		t.Fatalf("%s: encode config: %v", typ, err)
	}
	pr, err := p.PlanResourceChange(ctx, &tfprotov5.PlanResourceChangeRequest{TypeName: typ, PriorState: null, ProposedNewState: c, Config: c})
	if err != nil || hasError(pr.Diagnostics) {
		t.Fatalf("%s: plan: %v %v", typ, err, pr.Diagnostics)
	}
	planned, err = decode(pr.PlannedState, ts.ty)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := p.ApplyResourceChange(ctx, &tfprotov5.ApplyResourceChangeRequest{TypeName: typ, PriorState: null, PlannedState: pr.PlannedState, Config: c})
	if err != nil || hasError(ar.Diagnostics) {
		t.Fatalf("%s: apply: %v %v", typ, err, ar.Diagnostics)
	}
	applied, err = decode(ar.NewState, ts.ty)
	if err != nil {
		t.Fatal(err)
	}
	if !applied.IsWhollyKnown() {
		t.Fatalf("%s: applied state has unknowns: %#v", typ, applied)
	}
	return planned, applied
}

func hasError(ds []*tfprotov5.Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == tfprotov5.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// TestServedSchemaEqualsExtracted: every resource and data source is served with
// exactly the extracted attributes (names, required/optional/computed, sensitive,
// write-only) and blocks (nesting, min and max items).
func TestServedSchemaEqualsExtracted(t *testing.T) {
	p := newProvider(t)
	resp, err := p.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ResourceSchemas) != len(loaded.Resources) || len(resp.DataSourceSchemas) != len(loaded.DataSources) {
		t.Fatalf("served %d resources and %d data sources, extracted %d and %d",
			len(resp.ResourceSchemas), len(resp.DataSourceSchemas), len(loaded.Resources), len(loaded.DataSources))
	}
	var compare func(where string, b *schema.Block, pb *tfprotov5.SchemaBlock, depth int)
	compare = func(where string, b *schema.Block, pb *tfprotov5.SchemaBlock, depth int) {
		if len(pb.Attributes) != len(b.Attributes) {
			t.Errorf("%s: %d attributes served, %d extracted", where, len(pb.Attributes), len(b.Attributes))
		}
		for _, a := range pb.Attributes {
			src := b.Attributes[a.Name]
			if src == nil {
				t.Errorf("%s.%s: served, not extracted", where, a.Name)
				continue
			}
			if a.Required != src.Required || a.Computed != (src.Computed && !src.Required) || a.Sensitive != src.Sensitive || a.WriteOnly != src.WriteOnly {
				t.Errorf("%s.%s: served %+v, extracted %+v", where, a.Name, a, src)
			}
			if src.Optional && !a.Optional {
				t.Errorf("%s.%s: optional not served", where, a.Name)
			}
		}
		if len(pb.BlockTypes) != len(b.Blocks) {
			t.Errorf("%s: %d blocks served, %d extracted", where, len(pb.BlockTypes), len(b.Blocks))
		}
		for _, nb := range pb.BlockTypes {
			src := b.Blocks[nb.TypeName]
			if src == nil {
				t.Errorf("%s.%s: block served, not extracted", where, nb.TypeName)
				continue
			}
			want := map[string]tfprotov5.SchemaNestedBlockNestingMode{
				"single": tfprotov5.SchemaNestedBlockNestingModeSingle, "list": tfprotov5.SchemaNestedBlockNestingModeList,
				"set": tfprotov5.SchemaNestedBlockNestingModeSet,
			}[src.Nesting]
			if nb.Nesting != want {
				t.Errorf("%s.%s: nesting %v, extracted %s", where, nb.TypeName, nb.Nesting, src.Nesting)
			}
			if src.Nesting != "single" && (nb.MinItems != int64(src.MinItems) || nb.MaxItems != int64(src.MaxItems)) {
				t.Errorf("%s.%s: items %d..%d, extracted %d..%d", where, nb.TypeName, nb.MinItems, nb.MaxItems, src.MinItems, src.MaxItems)
			}
			if src.Recursive == 0 && depth < 8 {
				compare(where+"."+nb.TypeName, src.Body(), nb.Block, depth+1)
			}
		}
	}
	for n, b := range loaded.Resources {
		compare(n, b, resp.ResourceSchemas[n].Block, 0)
	}
	for n, b := range loaded.DataSources {
		compare("data."+n, b, resp.DataSourceSchemas[n].Block, 0)
	}
	// computed-only attributes are typed (the spike's gap): aurora's secret is a list of objects
	secret := resp.ResourceSchemas["aws_rds_cluster"].Block
	for _, a := range secret.Attributes {
		if a.Name == "master_user_secret" && a.Type.String() != "tftypes.List[tftypes.Object[\"kms_key_id\":tftypes.String, \"secret_arn\":tftypes.String, \"secret_status\":tftypes.String]]" {
			t.Errorf("aws_rds_cluster.master_user_secret served as %s", a.Type)
		}
	}
}

// TestPlanUnknownsAndTags: a created resource plans its unset computed attributes
// unknown and tags_all as default_tags merged with tags; the apply fills ids and ARNs
// in AWS's formats, the same ones every time.
func TestPlanUnknownsAndTags(t *testing.T) {
	p := newProvider(t)
	ts := p.resources.get("aws_vpc")
	cfg := objectOf(t, ts, map[string]cty.Value{
		"cidr_block": cty.StringVal("10.0.0.0/16"),
		"tags":       cty.MapVal(map[string]cty.Value{"Name": cty.StringVal("main"), "env": cty.StringVal("override")}),
	})
	planned, applied := planApply(t, p, "aws_vpc", cfg)
	for _, n := range []string{"id", "arn", "owner_id", "default_security_group_id", "main_route_table_id"} {
		if planned.GetAttr(n).IsKnown() {
			t.Errorf("planned %s is known: %#v", n, planned.GetAttr(n))
		}
	}
	wantTags := cty.MapVal(map[string]cty.Value{"Name": cty.StringVal("main"), "env": cty.StringVal("override")})
	if !planned.GetAttr("tags_all").RawEquals(wantTags) {
		t.Errorf("tags_all %#v", planned.GetAttr("tags_all"))
	}
	id := applied.GetAttr("id").AsString()
	if !regexp.MustCompile(`^vpc-[0-9a-f]{17}$`).MatchString(id) {
		t.Errorf("vpc id %q", id)
	}
	if arn := applied.GetAttr("arn").AsString(); arn != "arn:aws:ec2:eu-central-1:111111111111:vpc/"+id {
		t.Errorf("vpc arn %q", arn)
	}
	if o := applied.GetAttr("owner_id").AsString(); o != "111111111111" {
		t.Errorf("owner_id %q", o)
	}
	_, again := planApply(t, p, "aws_vpc", cfg)
	if !again.RawEquals(applied) {
		t.Errorf("a second apply of the same configuration differs:\n%#v\n%#v", again, applied)
	}
	// ARNs and ids of other kinds
	cases := []struct {
		typ  string
		set  map[string]cty.Value
		attr string
		re   string
	}{
		{"aws_s3_bucket", map[string]cty.Value{"bucket": cty.StringVal("logs")}, "arn", `^arn:aws:s3:::logs$`},
		{"aws_iam_role", map[string]cty.Value{"name": cty.StringVal("app"), "assume_role_policy": cty.StringVal("{}")}, "arn", `^arn:aws:iam::111111111111:role/app$`},
		{"aws_kms_key", nil, "arn", `^arn:aws:kms:eu-central-1:111111111111:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`},
		{"aws_cloudwatch_log_group", map[string]cty.Value{"name": cty.StringVal("/ecs/api")}, "arn", `^arn:aws:logs:eu-central-1:111111111111:log-group:/ecs/api$`},
		{"aws_subnet", map[string]cty.Value{"vpc_id": cty.StringVal(id), "cidr_block": cty.StringVal("10.0.1.0/24")}, "id", `^subnet-[0-9a-f]{17}$`},
		{"aws_lb", map[string]cty.Value{"name": cty.StringVal("api")}, "id", `^arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/api/[0-9a-f]{16}$`},
		{"aws_ecr_repository", map[string]cty.Value{"name": cty.StringVal("api")}, "repository_url", `^111111111111\.dkr\.ecr\.eu-central-1\.amazonaws\.com/api$`},
	}
	for _, c := range cases {
		_, a := planApply(t, p, c.typ, objectOf(t, p.resources.get(c.typ), c.set))
		if got := a.GetAttr(c.attr).AsString(); !regexp.MustCompile(c.re).MatchString(got) {
			t.Errorf("%s.%s = %q, want %s", c.typ, c.attr, got, c.re)
		}
	}
}

// TestPlanUpdateAndReplace: an unchanged resource plans no change (computed values
// carried over); changing a force-new argument asks for a replacement.
func TestPlanUpdateAndReplace(t *testing.T) {
	p := newProvider(t)
	ts := p.resources.get("aws_subnet")
	cfg := objectOf(t, ts, map[string]cty.Value{"vpc_id": cty.StringVal("vpc-1"), "cidr_block": cty.StringVal("10.0.1.0/24")})
	_, applied := planApply(t, p, "aws_subnet", cfg)
	plan := func(proposed, config cty.Value) (cty.Value, []string) { return p.plan(ts, applied, proposed, config) }
	// OpenTofu proposes the prior computed values where the configuration is null
	proposed, _ := cty.Transform(cfg, func(path cty.Path, v cty.Value) (cty.Value, error) {
		if len(path) == 1 && v.IsNull() {
			return applied.GetAttr(path[0].(cty.GetAttrStep).Name), nil
		}
		return v, nil
	})
	same, replace := plan(proposed, cfg)
	if len(replace) > 0 || !same.RawEquals(applied) {
		t.Errorf("unchanged subnet plans replace=%v or differs:\n%#v\n%#v", replace, same, applied)
	}
	moved := setAttr(proposed, "cidr_block", cty.StringVal("10.0.2.0/24"))
	planned, replace := plan(moved, setAttr(cfg, "cidr_block", cty.StringVal("10.0.2.0/24")))
	if len(replace) != 1 || replace[0] != "cidr_block" {
		t.Errorf("replace %v, want [cidr_block]", replace)
	}
	if planned.GetAttr("id").IsKnown() {
		t.Error("a replaced subnet's id is known at plan")
	}
}

// TestImport: an import by id gives a state with the id, the name and the ARN.
func TestImport(t *testing.T) {
	p := newProvider(t)
	r, err := p.ImportResourceState(context.Background(), &tfprotov5.ImportResourceStateRequest{TypeName: "aws_s3_bucket", ID: "terraform-state-111111111111-eu-central-1"})
	if err != nil || hasError(r.Diagnostics) || len(r.ImportedResources) != 1 {
		t.Fatalf("import: %v %v", err, r.Diagnostics)
	}
	ts := p.resources.get("aws_s3_bucket")
	v, err := decode(r.ImportedResources[0].State, ts.ty)
	if err != nil {
		t.Fatal(err)
	}
	if getString(v, "id") != "terraform-state-111111111111-eu-central-1" || getString(v, "bucket") != "terraform-state-111111111111-eu-central-1" ||
		getString(v, "arn") != "arn:aws:s3:::terraform-state-111111111111-eu-central-1" {
		t.Errorf("imported %#v", v)
	}
	r, err = p.ImportResourceState(context.Background(), &tfprotov5.ImportResourceStateRequest{TypeName: "aws_dynamodb_table", ID: "terraform-locks"})
	if err != nil || hasError(r.Diagnostics) {
		t.Fatalf("import: %v %v", err, r.Diagnostics)
	}
	v, _ = decode(r.ImportedResources[0].State, p.resources.get("aws_dynamodb_table").ty)
	if getString(v, "arn") != "arn:aws:dynamodb:eu-central-1:111111111111:table/terraform-locks" || getString(v, "name") != "terraform-locks" {
		t.Errorf("imported table %#v", v)
	}
}

// TestEveryResourceType: every resource type plans, applies and reads a minimal
// schema-valid configuration (its required arguments and blocks) without an error or
// a panic, and every data source reads one.
func TestEveryResourceType(t *testing.T) {
	p := newProvider(t)
	ctx := context.Background()
	names := p.resources.names()
	for _, n := range names {
		ts := p.resources.get(n)
		cfg := minimal(ts.block, ts.ty)
		_, applied := planApply(t, p, n, cfg)
		st, _ := encode(applied, ts.ty)
		rr, err := p.ReadResource(ctx, &tfprotov5.ReadResourceRequest{TypeName: n, CurrentState: st})
		if err != nil || hasError(rr.Diagnostics) {
			t.Fatalf("%s: read: %v %v", n, err, rr.Diagnostics)
		}
		got, _ := decode(rr.NewState, ts.ty)
		if !got.RawEquals(applied) {
			t.Errorf("%s: read differs from what was applied", n)
		}
	}
	for _, n := range p.data.names() {
		ts := p.data.get(n)
		c, _ := encode(minimal(ts.block, ts.ty), ts.ty)
		r, err := p.ReadDataSource(ctx, &tfprotov5.ReadDataSourceRequest{TypeName: n, Config: c})
		if err != nil || hasError(r.Diagnostics) {
			t.Errorf("data %s: %v %v", n, err, r.Diagnostics)
		}
	}
}

// minimal is a configuration with only the required arguments (zero values) and
// required blocks (one each).
func minimal(b *schema.Block, ty cty.Type) cty.Value {
	m := map[string]cty.Value{}
	for n, at := range ty.AttributeTypes() {
		if a := b.Attributes[n]; a != nil {
			if a.Required {
				m[n] = zero(at)
			} else {
				m[n] = cty.NullVal(at)
			}
			continue
		}
		nb := b.Blocks[n]
		switch {
		case nb.Nesting == "single":
			m[n] = cty.NullVal(at)
			if nb.MinItems > 0 {
				m[n] = minimal(nb.Body(), at)
			}
		case nb.MinItems > 0 && at.IsListType():
			m[n] = cty.ListVal([]cty.Value{minimal(nb.Body(), at.ElementType())})
		case nb.MinItems > 0 && at.IsSetType():
			m[n] = cty.SetVal([]cty.Value{minimal(nb.Body(), at.ElementType())})
		case at.IsListType():
			m[n] = cty.ListValEmpty(at.ElementType())
		case at.IsSetType():
			m[n] = cty.SetValEmpty(at.ElementType())
		default:
			m[n] = cty.NullVal(at)
		}
	}
	return cty.ObjectVal(m)
}

func zero(ty cty.Type) cty.Value {
	switch {
	case ty == cty.String:
		return cty.StringVal("x")
	case ty == cty.Number:
		return cty.NumberIntVal(1)
	case ty == cty.Bool:
		return cty.True
	case ty.IsListType():
		return cty.ListValEmpty(ty.ElementType())
	case ty.IsSetType():
		return cty.SetValEmpty(ty.ElementType())
	case ty.IsMapType():
		return cty.MapValEmpty(ty.ElementType())
	case ty.IsObjectType():
		m := map[string]cty.Value{}
		for n, at := range ty.AttributeTypes() {
			m[n] = zero(at)
		}
		return cty.ObjectVal(m)
	}
	return cty.NullVal(ty)
}

// TestDataSources: the data sources modules depend on return AWS's values.
func TestDataSources(t *testing.T) {
	p := newProvider(t)
	read := func(typ string, set map[string]cty.Value) cty.Value {
		t.Helper()
		ts := p.data.get(typ)
		out, d := p.readData(ts, objectOf(t, ts, set))
		if d != nil {
			t.Fatalf("%s: %s", typ, d.Detail)
		}
		return out
	}
	az := read("aws_availability_zones", map[string]cty.Value{"state": cty.StringVal("available")})
	if got := getStrings(az, "names"); len(got) != 3 || got[0] != "eu-central-1a" || got[2] != "eu-central-1c" {
		t.Errorf("zones %v", got)
	}
	if got := read("aws_elb_service_account", nil); getString(got, "arn") != "arn:aws:iam::054676820928:root" {
		t.Errorf("elb account %v", getString(got, "arn"))
	}
	if got := read("aws_caller_identity", nil); getString(got, "account_id") != "111111111111" {
		t.Errorf("caller %v", getString(got, "account_id"))
	}
	if got := read("aws_partition", nil); getString(got, "partition") != "aws" || getString(got, "dns_suffix") != "amazonaws.com" {
		t.Errorf("partition %#v", got)
	}
	if got := read("aws_region", nil); getString(got, "name") != "eu-central-1" && getString(got, "region") != "eu-central-1" {
		t.Errorf("region %#v", got)
	}
	pl := read("aws_prefix_list", map[string]cty.Value{"name": cty.StringVal("com.amazonaws.eu-central-1.s3")})
	if !regexp.MustCompile(`^pl-[0-9a-f]{8}$`).MatchString(getString(pl, "id")) {
		t.Errorf("prefix list %q", getString(pl, "id"))
	}
}

// TestPolicyDocument: aws_iam_policy_document renders the JSON hashicorp/aws renders
// (examples written from its documented behaviour: Version first, one value as a
// string, several as a list, principals by type, "*" for the anonymous principal,
// conditions by test and variable, statements merged by Sid with source and override
// documents).
func TestPolicyDocument(t *testing.T) {
	p := newProvider(t)
	ts := p.data.get("aws_iam_policy_document")
	st := blockTS(ts, "statement")
	pr := blockTS(st, "principals")
	co := blockTS(st, "condition")
	strs := func(ss ...string) cty.Value {
		var vs []cty.Value
		for _, s := range ss {
			vs = append(vs, cty.StringVal(s))
		}
		return cty.SetVal(vs)
	}
	stmt := func(set map[string]cty.Value) cty.Value { return objectOf(t, st, set) }
	cfg := objectOf(t, ts, map[string]cty.Value{
		"statement": cty.ListVal([]cty.Value{
			stmt(map[string]cty.Value{
				"sid":       cty.StringVal("AllowRead"),
				"actions":   strs("s3:GetObject", "s3:ListBucket"),
				"resources": strs("arn:aws:s3:::b", "arn:aws:s3:::b/*"),
				"principals": cty.SetVal([]cty.Value{objectOf(t, pr, map[string]cty.Value{
					"type": cty.StringVal("AWS"), "identifiers": strs("arn:aws:iam::111111111111:root"),
				})}),
				"condition": cty.SetVal([]cty.Value{objectOf(t, co, map[string]cty.Value{
					"test": cty.StringVal("Bool"), "variable": cty.StringVal("aws:SecureTransport"), "values": cty.ListVal([]cty.Value{cty.StringVal("true")}),
				})}),
			}),
			stmt(map[string]cty.Value{
				"effect":  cty.StringVal("Deny"),
				"actions": strs("s3:*"),
				"principals": cty.SetVal([]cty.Value{objectOf(t, pr, map[string]cty.Value{
					"type": cty.StringVal("*"), "identifiers": strs("*"),
				})}),
				"not_resources": strs("arn:aws:s3:::b/public/*"),
			}),
		}),
		"override_policy_documents": cty.ListVal([]cty.Value{cty.StringVal(`{"Version":"2012-10-17","Statement":[{"Sid":"Extra","Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}),
	})
	out, d := p.readData(ts, cfg)
	if d != nil {
		t.Fatal(d.Detail)
	}
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowRead",
      "Effect": "Allow",
      "Action": [
        "s3:ListBucket",
        "s3:GetObject"
      ],
      "Resource": [
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b"
      ],
      "Principal": {
        "AWS": "arn:aws:iam::111111111111:root"
      },
      "Condition": {
        "Bool": {
          "aws:SecureTransport": "true"
        }
      }
    },
    {
      "Effect": "Deny",
      "Action": "s3:*",
      "NotResource": "arn:aws:s3:::b/public/*",
      "Principal": "*"
    },
    {
      "Sid": "Extra",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": "*"
    }
  ]
}`
	if got := getString(out, "json"); got != want {
		t.Errorf("json:\n%s\nwant:\n%s", got, want)
	}
	var min any
	if err := json.Unmarshal([]byte(getString(out, "minified_json")), &min); err != nil {
		t.Errorf("minified_json: %v", err)
	}
	if getString(out, "id") == "" {
		t.Error("no id")
	}
}

// TestWarnings: every plan and apply says that AWS is simulated.
func TestWarnings(t *testing.T) {
	p := newProvider(t)
	ts := p.resources.get("aws_sns_topic")
	c, _ := encode(objectOf(t, ts, map[string]cty.Value{"name": cty.StringVal("alerts")}), ts.ty)
	null, _ := encode(cty.NullVal(ts.ty), ts.ty)
	pr, _ := p.PlanResourceChange(context.Background(), &tfprotov5.PlanResourceChangeRequest{TypeName: "aws_sns_topic", PriorState: null, ProposedNewState: c, Config: c})
	ar, _ := p.ApplyResourceChange(context.Background(), &tfprotov5.ApplyResourceChangeRequest{TypeName: "aws_sns_topic", PriorState: null, PlannedState: pr.PlannedState, Config: c})
	for what, ds := range map[string][]*tfprotov5.Diagnostic{"plan": pr.Diagnostics, "apply": ar.Diagnostics} {
		if len(ds) != 1 || ds[0].Severity != tfprotov5.DiagnosticSeverityWarning || ds[0].Summary != simulatedWarning {
			t.Errorf("%s diagnostics %+v", what, ds)
		}
	}
}

// TestACMValidationOptions: a certificate's validation options are known by domain at
// plan, so `for_each` over them plans (modules/alb), as with the real provider.
func TestACMValidationOptions(t *testing.T) {
	p := newProvider(t)
	ts := p.resources.get("aws_acm_certificate")
	cfg := objectOf(t, ts, map[string]cty.Value{"domain_name": cty.StringVal("api.example.com"), "validation_method": cty.StringVal("DNS")})
	planned, applied := planApply(t, p, "aws_acm_certificate", cfg)
	dvo := planned.GetAttr("domain_validation_options")
	if !dvo.IsKnown() || dvo.LengthInt() != 1 {
		t.Fatalf("planned domain_validation_options %#v", dvo)
	}
	for it := dvo.ElementIterator(); it.Next(); {
		_, o := it.Element()
		if o.GetAttr("domain_name").AsString() != "api.example.com" || o.GetAttr("resource_record_name").IsKnown() {
			t.Errorf("planned option %#v", o)
		}
	}
	for it := applied.GetAttr("domain_validation_options").ElementIterator(); it.Next(); {
		_, o := it.Element()
		if !strings.HasSuffix(o.GetAttr("resource_record_name").AsString(), ".api.example.com.") {
			t.Errorf("applied option %#v", o)
		}
	}
}
