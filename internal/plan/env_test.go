package plan

import (
	"encoding/json"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
)

func TestOutputsAndDependencyUses(t *testing.T) {
	o := NewOutputs()
	if _, ok := o.Lookup("/t/vpc"); ok {
		t.Error("unknown unit has outputs")
	}
	o.Set("/t/empty", &executor.State{Exists: true, Lineage: "l", Serial: 1, Outputs: map[string]executor.Output{}})
	if _, ok := o.Lookup("/t/empty"); ok {
		t.Error("a state without outputs answers (mocks must be used instead)")
	}
	o.Set("/t/vpc", &executor.State{Exists: true, Lineage: "l", Serial: 3, Outputs: map[string]executor.Output{
		"vpc_id":  {Value: json.RawMessage(`"vpc-1"`), Type: json.RawMessage(`"string"`)},
		"subnets": {Value: json.RawMessage(`["a","b"]`), Type: json.RawMessage(`["list","string"]`)},
		"token":   {Value: json.RawMessage(`"s3cr3t"`), Type: json.RawMessage(`"string"`), Sensitive: true},
	}})
	v, ok := o.Lookup("/t/vpc")
	if !ok || v.GetAttr("vpc_id").AsString() != "vpc-1" || v.GetAttr("subnets").LengthInt() != 2 {
		t.Fatalf("lookup = %#v %v", v, ok)
	}
	if r := StateRef(o.State("/t/vpc")); !r.Exists || r.Serial != 3 {
		t.Errorf("StateRef = %+v", r)
	}

	u := &config.Unit{Config: &config.Config{Dependency: []config.Dependency{
		{Name: "vpc", Dir: "/t/vpc", Enabled: true, Outputs: v},
		{Name: "db", Dir: "/t/db", Enabled: true, Mocked: true, Outputs: cty.ObjectVal(map[string]cty.Value{
			"endpoint": cty.StringVal("mock"), "ports": cty.TupleVal([]cty.Value{cty.NumberIntVal(1)})})},
		{Name: "off", Dir: "/t/off", Enabled: false},
	}}}
	uses, err := DependencyUses("/t", u, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) != 2 || uses[0].Name != "db" || uses[1].Name != "vpc" || uses[1].Unit != "vpc" {
		t.Fatalf("uses = %+v", uses)
	}
	db, vpc := uses[0], uses[1]
	if !db.Mocked || !db.Outputs["endpoint"].Mocked || string(db.Outputs["ports"].Value) != "[1]" {
		t.Errorf("db = %+v", db)
	}
	tok := vpc.Outputs["token"]
	if !tok.Sensitive || tok.Value != nil || tok.Hash == "" {
		t.Errorf("sensitive output recorded as %+v", tok)
	}
	// A mocked tuple and a real list with the same elements hash the same.
	mock, _ := outputUse(cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}))
	if mock.Hash != vpc.Outputs["subnets"].Hash {
		t.Error("tuple and list with equal elements hash differently")
	}
}
