package cost

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

func est(t *testing.T) *Estimator {
	t.Helper()
	e, err := NewEstimator()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.011 }

func TestCatalogHasBothRegions(t *testing.T) {
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"eu-central-1", "ap-southeast-1"} {
		for _, k := range []string{"nat_gateway_hour", "alb_hour", "fargate_vcpu_hour", "fargate_spot_vcpu_hour", "kms_key_month", "secret_month", "waf_web_acl_month", "cloudwatch_alarm_month", "cloudwatch_dashboard_month", "cloudwatch_logs_ingest_gb", "aurora_postgresql.db.r6g.large", "elasticache.cache.t4g.small"} {
			if p, ok := c.Price(r, k); !ok || p <= 0 {
				t.Errorf("%s: no price for %s", r, k)
			}
		}
	}
	if c.AsOf == "" {
		t.Error("catalog has no date")
	}
}

func TestNATGatewaysPerAZ(t *testing.T) {
	e := est(t)
	in := cty.ObjectVal(map[string]cty.Value{
		"azs":                cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b"), cty.StringVal("c")}),
		"single_nat_gateway": cty.False,
	})
	u := e.Unit(UnitInput{Path: "p/eu/vpc", Env: "p", Region: "eu-central-1", Module: "vpc", Inputs: in})
	if u.Source != "inputs" || len(u.Items) == 0 {
		t.Fatalf("not priced from inputs: %+v", u)
	}
	if u.Items[0].Name != "NAT gateways" || !near(u.Items[0].Monthly, 3*730*0.052) {
		t.Fatalf("3 NAT gateways: %+v", u.Items[0])
	}
	single := e.Unit(UnitInput{Path: "d/eu/vpc", Region: "eu-central-1", Module: "vpc",
		Inputs: cty.ObjectVal(map[string]cty.Value{"azs": in.GetAttr("azs"), "single_nat_gateway": cty.True})})
	if !near(single.Items[0].Monthly, 730*0.052) {
		t.Fatalf("single NAT: %+v", single.Items[0])
	}
	// Singapore costs more.
	ap := e.Unit(UnitInput{Path: "p/ap/vpc", Region: "ap-southeast-1", Module: "vpc", Inputs: in})
	if ap.Monthly <= u.Monthly {
		t.Fatalf("ap-southeast-1 %.2f should exceed eu-central-1 %.2f", ap.Monthly, u.Monthly)
	}
}

func TestFargateSpotShare(t *testing.T) {
	e := est(t)
	mk := func(spot float64) UnitCost {
		return e.Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "ecs-service", Inputs: cty.ObjectVal(map[string]cty.Value{
			"desired_count": cty.NumberIntVal(4), "cpu": cty.NumberIntVal(1024), "memory": cty.NumberIntVal(2048),
			"spot_share": cty.NumberFloatVal(spot),
		})})
	}
	od, half := mk(0), mk(0.5)
	var vcpu float64
	for _, it := range od.Items {
		if it.Name == "Fargate vCPU (on-demand)" {
			vcpu = it.Monthly
		}
	}
	if !near(vcpu, 4*1*730*0.04656) {
		t.Fatalf("on-demand vCPU: %.2f", vcpu)
	}
	if half.Monthly >= od.Monthly {
		t.Fatalf("spot share should lower the estimate: %.2f vs %.2f", half.Monthly, od.Monthly)
	}
}

func TestAuroraInstanceClassTimesInstances(t *testing.T) {
	e := est(t)
	u := e.Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "aurora-postgresql", Inputs: cty.ObjectVal(map[string]cty.Value{
		"instance_class": cty.StringVal("db.r6g.large"), "instance_count": cty.NumberIntVal(2),
	})})
	if u.Items[0].PriceKey != "aurora_postgresql.db.r6g.large" || !near(u.Items[0].Monthly, 2*730*0.31) {
		t.Fatalf("aurora: %+v", u.Items[0])
	}
	bad := e.Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "aurora-postgresql", Inputs: cty.ObjectVal(map[string]cty.Value{
		"instance_class": cty.StringVal("db.x99.huge"),
	})})
	if len(bad.Unpriced) == 0 || !strings.Contains(bad.Unpriced[0], "db.x99.huge") {
		t.Fatalf("unknown class must be reported unpriced: %+v", bad)
	}
}

func TestUnknownRegionAndModule(t *testing.T) {
	e := est(t)
	u := e.Unit(UnitInput{Path: "x", Region: "us-east-1", Module: "vpc", Inputs: cty.EmptyObjectVal})
	if u.Monthly != 0 || len(u.Unpriced) != 1 {
		t.Fatalf("%+v", u)
	}
	u = e.Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "something-else", Inputs: cty.EmptyObjectVal})
	if u.Source != "none" || u.Monthly != 0 {
		t.Fatalf("%+v", u)
	}
}

func TestFromPlan(t *testing.T) {
	b, err := os.ReadFile("testdata/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	u := est(t).Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "whatever", Plan: &p})
	want := 2*730*0.31 + 730*0.052 + 1 + 0.4 + 2*0.1 + 2*1*730*0.04656 + 2*2*730*0.00511
	if u.Source != "plan" || !near(u.Monthly, want) {
		t.Fatalf("plan estimate %.2f, want %.2f: %+v", u.Monthly, want, u)
	}
}

func TestSummarizeDiff(t *testing.T) {
	head := []UnitCost{{Path: "dev/a", Env: "dev", Monthly: 10}, {Path: "dev/b", Env: "dev", Monthly: 5}, {Path: "prod/a", Env: "prod", Monthly: 100}}
	base := []UnitCost{{Path: "dev/a", Env: "dev", Monthly: 8}, {Path: "dev/gone", Env: "dev", Monthly: 3}, {Path: "prod/a", Env: "prod", Monthly: 100}}
	r := Summarize(head, base, true)
	dev := r.Env("dev")
	if dev == nil || dev.Monthly != 15 || *dev.Base != 11 || *dev.Delta != 4 || dev.Units != 2 {
		t.Fatalf("dev: %+v", dev)
	}
	if r.Monthly != 115 || *r.Base != 111 {
		t.Fatalf("totals %.2f %.2f", r.Monthly, *r.Base)
	}
	for _, u := range r.Units {
		if u.Path == "dev/gone" && (!u.Removed || u.Delta() != -3) {
			t.Fatalf("removed unit: %+v", u)
		}
		if u.Path == "dev/b" && u.Delta() != 5 {
			t.Fatalf("new unit delta %v", u.Delta())
		}
	}
}

func TestReadInfracost(t *testing.T) {
	f, err := os.Open("testdata/infracost.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head, base, hasBase, err := ReadInfracost(f, "/repo/live")
	if err != nil {
		t.Fatal(err)
	}
	if !hasBase || len(head) != 2 || len(base) != 2 {
		t.Fatalf("head %d base %d hasBase %v", len(head), len(base), hasBase)
	}
	if head[0].Path != "dev/eu-central-1/vpc" || head[0].Monthly != 37.96 || len(head[0].Items) != 1 {
		t.Fatalf("%+v", head[0])
	}
	if _, _, _, err := ReadInfracost(strings.NewReader(`{"x":1}`), ""); err == nil {
		t.Fatal("a file without projects must be refused")
	}
}

func TestModuleName(t *testing.T) {
	for in, want := range map[string]string{
		"../../../../modules/aurora-postgresql":                   "aurora-postgresql",
		"git::https://github.com/org/modules.git//vpc?ref=v1.2.0": "vpc",
		"${get_repo_root()}/modules/alb/":                         "alb",
		"tfr:///terraform-aws-modules/vpc/aws?version=5.0.0":      "aws",
	} {
		if got := ModuleName(in); got != want {
			t.Errorf("ModuleName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMappingErrorsNameTheLine(t *testing.T) {
	_, diags := ParseMapping([]byte("module \"x\" {\n  item \"y\" {\n    price = \"a\"\n  }\n}\n"), "m.hcl")
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "m.hcl:2") {
		t.Fatalf("want an error at m.hcl:2, got %v", diags)
	}
}

func TestLiveTreeInputNames(t *testing.T) {
	e := est(t)
	net := func(mode string) UnitCost {
		return e.Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "network", Inputs: cty.ObjectVal(map[string]cty.Value{
			"az_count": cty.NumberIntVal(3), "nat_gateway_mode": cty.StringVal(mode),
			"interface_endpoints": cty.ListVal([]cty.Value{cty.StringVal("logs"), cty.StringVal("secretsmanager")}),
		})})
	}
	item := func(u UnitCost, name string) float64 {
		for _, it := range u.Items {
			if it.Name == name {
				return it.Monthly
			}
		}
		return 0
	}
	if got := item(net("per_az"), "NAT gateways"); !near(got, 3*730*0.052) {
		t.Errorf("per_az: %.2f", got)
	}
	if got := item(net("single"), "NAT gateways"); !near(got, 730*0.052) {
		t.Errorf("single: %.2f", got)
	}
	if got := item(net("none"), "NAT gateways"); got != 0 {
		t.Errorf("none: %.2f", got)
	}
	if got := item(net("none"), "Interface endpoints"); !near(got, 2*3*730*0.012) {
		t.Errorf("endpoints: %.2f", got)
	}
	svc := func(provider, arch string) UnitCost {
		return e.Unit(UnitInput{Path: "x", Region: "ap-southeast-1", Module: "ecs-service", Inputs: cty.ObjectVal(map[string]cty.Value{
			"desired_count": cty.NumberIntVal(2), "cpu": cty.NumberIntVal(512), "memory": cty.NumberIntVal(1024),
			"capacity_provider": cty.StringVal(provider), "cpu_architecture": cty.StringVal(arch),
		})})
	}
	spot, od, arm := svc("FARGATE_SPOT", "X86_64"), svc("FARGATE", "X86_64"), svc("FARGATE", "ARM64")
	if item(spot, "Fargate vCPU (on-demand)") != 0 || !near(item(spot, "Fargate Spot vCPU"), 2*0.5*730*0.01517) {
		t.Errorf("spot: %+v", spot.Items)
	}
	if !near(item(od, "Fargate vCPU (on-demand)"), 2*0.5*730*0.05056) || item(arm, "Fargate vCPU (on-demand)") >= item(od, "Fargate vCPU (on-demand)") {
		t.Errorf("on-demand %+v arm %+v", od.Items, arm.Items)
	}
	kms := e.Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "kms", Inputs: cty.ObjectVal(map[string]cty.Value{
		"keys":     cty.MapVal(map[string]cty.Value{"a": cty.EmptyObjectVal, "b": cty.EmptyObjectVal}),
		"replicas": cty.MapVal(map[string]cty.Value{"c": cty.EmptyObjectVal}),
	})})
	if !near(item(kms, "KMS keys"), 3) {
		t.Errorf("kms: %+v", kms.Items)
	}
}

func TestObservabilityAlarmsAndDashboards(t *testing.T) {
	u := est(t).Unit(UnitInput{Path: "x", Region: "eu-central-1", Module: "observability", Inputs: cty.ObjectVal(map[string]cty.Value{
		"ecs_services":                cty.MapVal(map[string]cty.Value{"api": cty.StringVal("a"), "worker": cty.StringVal("w")}),
		"alb_arn_suffix":              cty.StringVal("app/x/1"),
		"api_target_group_arn_suffix": cty.StringVal("tg/x/1"),
		"api_service_key":             cty.StringVal("api"),
		"aurora_cluster_identifier":   cty.StringVal("db"),
		"aurora_instance_count":       cty.NumberIntVal(3),
		"elasticache_cluster_ids":     cty.ListVal([]cty.Value{cty.StringVal("c1"), cty.StringVal("c2")}),
	})})
	for _, it := range u.Items {
		switch it.Name {
		case "CloudWatch alarms":
			if it.Quantity != 4+2+1+1+3+4 {
				t.Errorf("alarms: %v", it.Quantity)
			}
		case "CloudWatch dashboards":
			if it.Quantity != 3 || !near(it.Monthly, 9) {
				t.Errorf("dashboards: %+v", it)
			}
		}
	}
}
