package awssim

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/zclconf/go-cty/cty"
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
		ts := p.resources[n]
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

// BenchmarkLoad measures the provider's start: loading the schema and building every
// type's protocol schema.
func BenchmarkLoad(b *testing.B) {
	newProvider(b)
	for i := 0; i < b.N; i++ {
		if _, err := New(loaded); err != nil {
			b.Fatal(err)
		}
	}
}
