package schema

import (
	"sync"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

var (
	realOnce   sync.Once
	realSchema *Schema
	realErr    error
)

// real loads the schema extracted from @cdktn/provider-aws by `make tools`.
func real(t testing.TB) *Schema {
	t.Helper()
	path := testenv.File(t, FileName)
	realOnce.Do(func() { realSchema, realErr = Load(path) })
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realSchema
}

func TestRealSchemaShape(t *testing.T) {
	s := real(t)
	if s.ProviderVersion != "6.66.0" {
		t.Errorf("provider version %q, want 6.66.0", s.ProviderVersion)
	}
	if len(s.Resources) < 1500 || len(s.DataSources) < 600 {
		t.Errorf("%d resources, %d data sources: fewer than the package holds", len(s.Resources), len(s.DataSources))
	}
	inst := s.Resources["aws_instance"]
	if inst == nil {
		t.Fatal("aws_instance missing")
	}
	if a := inst.Attributes["ami"]; a == nil || !a.Optional || a.Type != "string" {
		t.Errorf("aws_instance.ami = %+v", a)
	}
	if a := inst.Attributes["arn"]; a == nil || !a.ComputedOnly() {
		t.Errorf("aws_instance.arn should be computed only: %+v", a)
	}
	if b := inst.Blocks["root_block_device"]; b == nil || b.MaxItems != 1 || b.Attributes["volume_size"] == nil {
		t.Errorf("aws_instance.root_block_device = %+v", b)
	}
	if b := inst.Blocks["ebs_block_device"]; b == nil || b.Nesting != "set" || !b.Attributes["device_name"].Required {
		t.Errorf("aws_instance.ebs_block_device = %+v", b)
	}
	l := s.Resources["aws_lb_listener"]
	da := l.Blocks["default_action"]
	if da == nil || da.MinItems != 1 || !da.Attributes["type"].Required {
		t.Fatalf("aws_lb_listener.default_action = %+v", da)
	}
	if fw := da.Blocks["forward"]; fw == nil || fw.Blocks["target_group"] == nil || fw.Blocks["target_group"].MinItems != 1 {
		t.Errorf("aws_lb_listener.default_action.forward.target_group should be required: %+v", fw)
	}
	sg := s.Resources["aws_security_group"].Attributes["ingress"]
	if sg == nil || !sg.BlockSyntax || sg.Object() == nil || sg.Object().Attributes["cidr_blocks"] == nil {
		t.Errorf("aws_security_group.ingress should be an object set usable as blocks: %+v", sg)
	}
	if a := s.Resources["aws_s3tables_table_bucket"].Attributes["encryption_configuration"]; a == nil || a.Nesting != "single" || a.Object() == nil {
		t.Errorf("aws_s3tables_table_bucket.encryption_configuration should be a nested attribute: %+v", a)
	}
	if d := s.DataSources["aws_ami"]; d == nil || d.Blocks["filter"] == nil || !d.Blocks["filter"].Attributes["name"].Required {
		t.Errorf("data aws_ami.filter = %+v", d)
	}
	if s.ProviderConfig == nil || s.ProviderConfig.Attributes["region"] == nil || s.ProviderConfig.Blocks["default_tags"] == nil {
		t.Errorf("provider config = %+v", s.ProviderConfig)
	}
	if len(s.Ephemeral) == 0 || s.Ephemeral["aws_secretsmanager_secret_version"] == nil {
		t.Errorf("ephemeral resources missing")
	}
}

// wafv2's rule statements refer back to themselves; Load links them to the enclosing block.
func TestRealSchemaRecursion(t *testing.T) {
	s := real(t)
	st := s.Resources["aws_wafv2_web_acl_rule"].Blocks["statement"]
	if st == nil {
		t.Fatal("aws_wafv2_web_acl_rule.statement missing")
	}
	and := st.Blocks["and_statement"]
	if and == nil {
		t.Fatal("statement.and_statement missing")
	}
	inner := and.Body().Blocks["statement"]
	if inner == nil || inner.Recursive == 0 {
		t.Fatalf("and_statement.statement should be recursive: %+v", inner)
	}
	if inner.Body() != st.Body() {
		t.Errorf("and_statement.statement should share statement's body")
	}
}

func BenchmarkLoad(b *testing.B) {
	path := testenv.File(b, FileName)
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}
