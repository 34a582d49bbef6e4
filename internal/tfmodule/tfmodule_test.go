package tfmodule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestLoadReadsVariablesOutputsResources(t *testing.T) {
	m, diags := Load("testdata/good")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(m.Files) != 2 {
		t.Fatalf("files = %v, want main.tf and variables.tf only", m.Files)
	}
	if got := m.RequiredVariables(); len(got) != 1 || got[0] != "name" {
		t.Fatalf("required = %v, want [name]", got)
	}
	name := m.Variables["name"]
	if name.Type != cty.String || name.Description != "Name prefix." || name.Range.Start.Line != 1 {
		t.Fatalf("name = %+v", name)
	}
	pw := m.Variables["password"]
	if !pw.Sensitive || pw.Nullable || pw.Required {
		t.Fatalf("password = %+v", pw)
	}
	any := m.Variables["anything"]
	if any.Required || !any.Default.IsNull() || any.Type != cty.DynamicPseudoType {
		t.Fatalf("anything = %+v (default null makes a variable optional)", any)
	}
	s := m.Variables["settings"]
	if got := s.Default.GetAttr("size"); !got.RawEquals(cty.NumberIntVal(2)) {
		t.Fatalf("settings default size = %#v, want the optional() default 2", got)
	}
	if len(m.Outputs) != 2 || !m.Outputs["secret"].Sensitive || m.Outputs["bucket"].Description != "Bucket name." {
		t.Fatalf("outputs = %+v", m.Outputs)
	}
	if len(m.Resources) != 2 || m.Resources[0].Type != "aws_s3_bucket" || m.Resources[1].Mode != "data" {
		t.Fatalf("resources = %+v", m.Resources)
	}
}

func TestLoadReportsErrorsWithPositions(t *testing.T) {
	_, diags := Load("testdata/broken")
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "main.tf:") {
		t.Fatalf("want a parse error naming main.tf, got %v", diags)
	}
	m, diags := Load("testdata/dup")
	var parts []string
	for _, d := range diags {
		parts = append(parts, d.Error())
	}
	text := strings.Join(parts, "\n")
	for _, want := range []string{"Duplicate variable", "a.tf:1", "b.tf:1", "strin", "Invalid default value", "b.tf:5"} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, text)
		}
	}
	if m == nil || m.Variables["y"] == nil {
		t.Fatal("a module with errors still returns what it read")
	}
	if _, diags := Load("testdata/nope"); !diags.HasErrors() {
		t.Fatal("a missing folder is an error")
	}
}

func TestCheckEvaluatesValidations(t *testing.T) {
	m, diags := Load("testdata/good")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cases := []struct {
		variable string
		value    cty.Value
		wantErr  string // "" = valid
	}{
		{"cidr", cty.StringVal("10.20.0.0/16"), ""},
		{"cidr", cty.StringVal("10.20.0.0/28"), "/24 or larger"},
		{"cidr", cty.StringVal("10.20.0.300/16"), "/24 or larger"},
		{"cidr", cty.StringVal("banana"), "/24 or larger"},
		{"retention_days", cty.NumberIntVal(14), ""},
		{"retention_days", cty.NumberIntVal(8), "one of 1, 3"},
		{"retention_days", cty.StringVal("seven"), "Unsuitable value"},
		{"settings", cty.ObjectVal(map[string]cty.Value{"tier": cty.StringVal("production")}), ""},
		{"settings", cty.ObjectVal(map[string]cty.Value{"tier": cty.StringVal("prod")}), "dev, staging or production"},
		{"settings", cty.ObjectVal(map[string]cty.Value{"size": cty.NumberIntVal(1)}), "Unsuitable value"},
		{"password", cty.NullVal(cty.String), "must not be null"},
	}
	for _, c := range cases {
		diags := m.Variables[c.variable].Check(c.value)
		switch {
		case c.wantErr == "" && diags.HasErrors():
			t.Errorf("%s = %#v: unexpected error %v", c.variable, c.value, diags)
		case c.wantErr != "" && !strings.Contains(diags.Error(), c.wantErr):
			t.Errorf("%s = %#v: want error containing %q, got %v", c.variable, c.value, c.wantErr, diags)
		}
	}
}

func TestFunctions(t *testing.T) {
	f := Functions()
	call := func(name string, args ...cty.Value) cty.Value {
		t.Helper()
		v, err := f[name].Call(args)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	if got := call("cidrsubnet", cty.StringVal("10.0.0.0/16"), cty.NumberIntVal(4), cty.NumberIntVal(3)); got.AsString() != "10.0.48.0/20" {
		t.Errorf("cidrsubnet = %s", got.AsString())
	}
	if got := call("cidrhost", cty.StringVal("10.0.0.0/16"), cty.NumberIntVal(5)); got.AsString() != "10.0.0.5" {
		t.Errorf("cidrhost = %s", got.AsString())
	}
	if got := call("cidrnetmask", cty.StringVal("10.0.0.0/20")); got.AsString() != "255.255.240.0" {
		t.Errorf("cidrnetmask = %s", got.AsString())
	}
	if got := call("length", cty.StringVal("héllo")); !got.RawEquals(cty.NumberIntVal(5)) {
		t.Errorf("length(string) = %#v", got)
	}
	if got := call("alltrue", cty.ListVal([]cty.Value{cty.True, cty.False})); got.True() {
		t.Error("alltrue([true,false]) is true")
	}
	if got := call("anytrue", cty.ListVal([]cty.Value{cty.False, cty.True})); !got.True() {
		t.Error("anytrue([false,true]) is false")
	}
	if got := call("startswith", cty.StringVal("db.r7g.large"), cty.StringVal("db.")); !got.True() {
		t.Error("startswith")
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, diags := Load("testdata/good"); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	m, diags := Load("testdata/good")
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	v := m.Variables["cidr"]
	val := cty.StringVal("10.20.0.0/16")
	for b.Loop() {
		if d := v.Check(val); d.HasErrors() {
			b.Fatal(d)
		}
	}
}

// TestLoadRefusesDeepNesting: 400 KB of "[" was a fatal stack overflow in the parser.
func TestLoadRefusesDeepNesting(t *testing.T) {
	dir := t.TempDir()
	src := "variable \"x\" {\n  default = " + strings.Repeat("[", 200_000) + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(dir)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "main.tf:2,") || !strings.Contains(diags.Error(), "Nesting too deep") {
		t.Fatalf("want a nesting error at main.tf:2, got %v", diags)
	}
}
