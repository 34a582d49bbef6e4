package finding

import (
	"reflect"
	"testing"
)

func TestStringAndWhere(t *testing.T) {
	f := Finding{Check: "lint", Rule: "undeclared-input", Level: Warning, Message: "input x", File: "live/a/terragrunt.hcl", Line: 3, Column: 5, Unit: "a"}
	if got, want := f.String(), "live/a/terragrunt.hcl:3:5: warning: [lint undeclared-input] input x"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := f.Where(); got != "live/a/terragrunt.hcl:3" {
		t.Errorf("Where = %q", got)
	}
	f.Line = 0
	if got := f.Where(); got != "live/a/terragrunt.hcl" {
		t.Errorf("Where without line = %q", got)
	}
	f.File = ""
	if got := f.Where(); got != "a" {
		t.Errorf("Where without file = %q", got)
	}
	if got := f.String(); got != "warning: [lint undeclared-input] input x" {
		t.Errorf("String without file = %q", got)
	}
}

func TestSort(t *testing.T) {
	fs := []Finding{
		{File: "b", Line: 1, Check: "lint"},
		{File: "a", Line: 9, Check: "policy"},
		{File: "a", Line: 2, Column: 3, Check: "schema"},
		{File: "a", Line: 2, Column: 1, Check: "security", Rule: "B"},
		{File: "a", Line: 2, Column: 1, Check: "security", Rule: "A"},
	}
	Sort(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.File+":"+f.Check+f.Rule)
	}
	want := []string{"a:securityA", "a:securityB", "a:schema", "a:policy", "b:lint"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sort = %v, want %v", got, want)
	}
}
