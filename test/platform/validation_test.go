package platform

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestVariableValidation evaluates the modules' validation blocks (with hcl/v2 and cty,
// as OpenTofu would at plan time) against good and bad values: nonsense is rejected
// with a message that says what is expected.
func TestVariableValidation(t *testing.T) {
	s := cty.StringVal
	n := func(i int) cty.Value { return cty.NumberIntVal(int64(i)) }
	obj := func(m map[string]cty.Value) cty.Value { return cty.ObjectVal(m) }
	cases := []struct {
		module, variable string
		value            cty.Value
		wantErr          string // "" = accepted
	}{
		// CIDRs.
		{"network", "cidr_block", s("10.10.0.0/16"), ""},
		{"network", "cidr_block", s("10.10.0.0/20"), ""},
		{"network", "cidr_block", s("10.10.0.0/8"), "prefix length between /16 and /20"},
		{"network", "cidr_block", s("10.10.0.0/24"), "prefix length between /16 and /20"},
		{"network", "cidr_block", s("10.300.0.0/16"), "valid IPv4 CIDR block"},
		{"network", "cidr_block", s("vpc-please"), "valid IPv4 CIDR block"},
		{"network", "cidr_block", s("10.10.1.0/16"), "start at its network address"},
		{"alb", "ingress_cidrs", cty.ListVal([]cty.Value{s("0.0.0.0/0"), s("192.0.2.0/24")}), ""},
		{"alb", "ingress_cidrs", cty.ListVal([]cty.Value{s("192.0.2.0/33")}), "IPv4 CIDR block"},
		{"ecs-service", "vpc_cidr_block", s("10.0.0.0"), "IPv4 CIDR block"},
		// Retention days.
		{"network", "flow_log_retention_days", n(14), ""},
		{"network", "flow_log_retention_days", n(15), "CloudWatch Logs retention value"},
		{"waf", "log_retention_days", n(0), "CloudWatch Logs retention value"},
		{"aurora", "backup_retention_days", n(30), ""},
		{"aurora", "backup_retention_days", n(0), "from 1 to 35"},
		{"aurora", "backup_retention_days", n(36), "from 1 to 35"},
		{"aurora", "backup_retention_days", cty.NumberFloatVal(7.5), "whole number"},
		{"aurora", "performance_insights_retention_days", n(31), ""},
		{"aurora", "performance_insights_retention_days", n(30), "7 or a multiple of 31"},
		{"elasticache", "snapshot_retention_days", n(40), "between 0 and 35"},
		{"kms", "deletion_window_in_days", n(3), "between 7 and 30"},
		{"secrets", "recovery_window_in_days", n(3), "0 or between 7 and 30"},
		// Instance classes and sizes.
		{"aurora", "instance_class", s("db.r7g.large"), ""},
		{"aurora", "instance_class", s("db.t4g.medium"), ""},
		{"aurora", "instance_class", s("db.serverless"), ""},
		{"aurora", "instance_class", s("r7g.large"), "Aurora PostgreSQL instance class"},
		{"aurora", "instance_class", s("db.m1.small"), "Aurora PostgreSQL instance class"},
		{"aurora", "instance_class", s("db.r7g.huge"), "Aurora PostgreSQL instance class"},
		{"aurora", "instance_count", n(0), "from 1 to 15"},
		{"elasticache", "node_type", s("cache.t4g.micro"), ""},
		{"elasticache", "node_type", s("db.t4g.micro"), "ElastiCache node type"},
		{"elasticache", "num_cache_clusters", n(7), "from 1 to 6"},
		{"ecs-service", "cpu", n(1024), ""},
		{"ecs-service", "cpu", n(1000), "Fargate CPU size"},
		{"ecs-service", "memory", n(1000), "multiple of 512"},
		{"ecs-service", "image_tag", s("latest"), "not latest"},
		{"ecs-service", "environment_variables", cty.MapVal(map[string]cty.Value{"DB_PASSWORD": s("hunter2")}), "belong in secrets"},
		{"ecs-service", "environment_variables", cty.MapVal(map[string]cty.Value{"DATABASE_HOST": s("db")}), ""},
		{"ecs-cluster", "capacity_provider", s("EC2"), "FARGATE or FARGATE_SPOT"},
		// Tier names and other enums.
		{"network", "tier", s("production"), ""},
		{"network", "tier", s("prod"), "dev, staging or production"},
		{"aurora", "environment", s("qa"), "dev, staging or production"},
		{"kms", "aws_region", s("Frankfurt"), "look like eu-central-1"},
		{"kms", "aws_account_id", s("12345"), "exactly 12 digits"},
		{"network", "nat_gateway_mode", s("double"), "none, single or per_az"},
		{"network", "az_count", n(4), "must be 2 or 3"},
		{"aurora", "global_cluster", obj(map[string]cty.Value{"role": s("secondary")}), "needs the global_cluster.identifier"},
		{"aurora", "global_cluster", obj(map[string]cty.Value{"role": s("tertiary")}), "none, primary or secondary"},
		{"aurora", "global_cluster", obj(map[string]cty.Value{"role": s("secondary"), "identifier": s("ai-tools-production")}), ""},
		{"waf", "rate_limit", n(5), "between 10 and"},
		{"waf", "managed_rule_groups", cty.ListVal([]cty.Value{
			obj(map[string]cty.Value{"name": s("AWSManagedRulesCommonRuleSet"), "priority": n(1)}),
			obj(map[string]cty.Value{"name": s("AWSManagedRulesSQLiRuleSet"), "priority": n(1)}),
		}), "its own priority"},
		{"alb", "ssl_policy", s("ELBSecurityPolicy-2016-08"), "TLS 1.2+ policy"},
		{"alb", "domain_name", s("API.Example"), "lowercase DNS name"},
		{"kms", "replicas", cty.MapVal(map[string]cty.Value{"s3": obj(map[string]cty.Value{
			"primary_key_arn": s("arn:aws:kms:eu-central-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
			"description":     s("S3"),
		})}), "multi-region key"},
		{"s3", "buckets", cty.MapVal(map[string]cty.Value{"Uploads!": obj(map[string]cty.Value{"description": s("x")})}), "lowercase letters"},
		{"s3", "buckets", cty.MapVal(map[string]cty.Value{"uploads": obj(map[string]cty.Value{"description": s("x"), "transition_ia_days": n(10)})}), "at least 30"},
		{"s3", "replication", obj(map[string]cty.Value{
			"destination_bucket_arns": cty.MapVal(map[string]cty.Value{"uploads": s("my-bucket")}),
			"destination_kms_key_arn": s("arn:aws:kms:ap-southeast-1:111111111111:key/mrk-1"),
		}), "S3 bucket ARN"},
		{"secrets", "secrets", cty.MapVal(map[string]cty.Value{"token": obj(map[string]cty.Value{"description": s("x"), "generate": cty.True, "length": n(8)})}), "between 16 and 128"},
	}
	mods := moduleCache{}
	for _, c := range cases {
		m := mods.load(t, filepath.Join(repoRoot(t), "modules", c.module))
		v, ok := m.Variables[c.variable]
		if !ok {
			t.Errorf("%s: no variable %q", c.module, c.variable)
			continue
		}
		diags := v.Check(c.value)
		var msgs []string
		for _, d := range diags {
			msgs = append(msgs, d.Error())
		}
		got := strings.Join(msgs, "\n")
		switch {
		case c.wantErr == "" && diags.HasErrors():
			t.Errorf("%s.%s = %#v rejected: %s", c.module, c.variable, c.value, got)
		case c.wantErr != "" && !strings.Contains(got, c.wantErr):
			t.Errorf("%s.%s = %#v: want an error containing %q, got %q", c.module, c.variable, c.value, c.wantErr, got)
		case c.wantErr != "" && !strings.Contains(got, "variables.tf:"):
			t.Errorf("%s.%s: error %q does not point at variables.tf", c.module, c.variable, got)
		}
	}
}
