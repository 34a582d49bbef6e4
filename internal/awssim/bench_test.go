package awssim

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// BenchmarkPlanApply measures the simulator's own time per resource: one
// PlanResourceChange and one ApplyResourceChange through the protocol (msgpack in and
// out), over the resource types live/ uses most, each with its minimal configuration.
func BenchmarkPlanApply(b *testing.B) {
	p := newProvider(b)
	types := []string{"aws_vpc", "aws_subnet", "aws_route_table", "aws_security_group", "aws_s3_bucket",
		"aws_kms_key", "aws_iam_role", "aws_rds_cluster", "aws_ecs_service", "aws_lb", "aws_wafv2_web_acl", "aws_cloudwatch_metric_alarm"}
	type prepared struct {
		name      string
		cfg, null *tfprotov5.DynamicValue
	}
	var ps []prepared
	for _, n := range types {
		ts := p.resources.get(n)
		c, _ := encode(minimal(ts.block, ts.ty), ts.ty)
		null, _ := encode(cty.NullVal(ts.ty), ts.ty)
		ps = append(ps, prepared{n, c, null})
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := ps[i%len(ps)]
		pr, err := p.PlanResourceChange(ctx, &tfprotov5.PlanResourceChangeRequest{TypeName: x.name, PriorState: x.null, ProposedNewState: x.cfg, Config: x.cfg})
		if err != nil || hasError(pr.Diagnostics) {
			b.Fatal(err, pr.Diagnostics)
		}
		ar, err := p.ApplyResourceChange(ctx, &tfprotov5.ApplyResourceChangeRequest{TypeName: x.name, PriorState: x.null, PlannedState: pr.PlannedState, Config: x.cfg})
		if err != nil || hasError(ar.Diagnostics) {
			b.Fatal(err, ar.Diagnostics)
		}
	}
}

// BenchmarkStartFullSchema measures a provider process that OpenTofu asks for the
// whole schema (the first one of each command): reading the schema file and building
// every type's protocol schema.
func BenchmarkStartFullSchema(b *testing.B) {
	path := testenv.File(b, schema.FileName)
	for i := 0; i < b.N; i++ {
		p, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if r, err := p.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{}); err != nil || hasError(r.Diagnostics) {
			b.Fatal(err, r.Diagnostics)
		}
	}
}

// BenchmarkStartOneType measures a provider process that OpenTofu serves the schema
// from its cache (GetProviderSchemaOptional): reading the schema file lazily and
// building the one type a request names.
func BenchmarkStartOneType(b *testing.B) {
	path := testenv.File(b, schema.FileName)
	for i := 0; i < b.N; i++ {
		p, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.resources.lookup("aws_rds_cluster"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartEager is the start before the schema was read lazily, for comparison:
// decoding every type of the file, then building every protocol schema.
func BenchmarkStartEager(b *testing.B) {
	path := testenv.File(b, schema.FileName)
	for i := 0; i < b.N; i++ {
		s, err := schema.Load(path)
		if err != nil {
			b.Fatal(err)
		}
		p, err := New(s)
		if err != nil {
			b.Fatal(err)
		}
		if r, err := p.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{}); err != nil || hasError(r.Diagnostics) {
			b.Fatal(err, r.Diagnostics)
		}
	}
}
