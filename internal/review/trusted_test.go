package review

import (
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

func TestEnforceTrusted(t *testing.T) {
	tr := &Trusted{Source: "the base commit abc", Broken: map[string]bool{"staging/eu/broken": true}, Rules: map[string]Rule{
		"production/eu/app":  {Env: "production", Tier: "production", Approval: "manual"},
		"production/eu/db":   {Env: "production", Tier: "production"}, // manual by tier default
		"production/us/edge": {Env: "production", Tier: "production", Approval: "auto"},
		"dev/eu/app":         {Env: "dev", Tier: "dev", Approval: "auto"},
	}}
	plan := func(path string) *artifact.Plan {
		return &artifact.Plan{Metadata: artifact.Metadata{Unit: path, Action: artifact.ActionPlan, Status: artifact.StatusPlanned, HasChanges: true,
			Env: "dev", Tier: "dev"}} // metadata the change wrote: must not fill in
	}
	units := []Unit{
		{Path: "production/eu/app", Env: "production", Tier: "dev", Approval: "auto", Environment: "dev", Plan: plan("production/eu/app")},
		{Path: "production/eu/new", Env: "production", Tier: "production", Approval: "auto", Plan: plan("production/eu/new")},
		{Path: "sandbox/eu/x", Env: "sandbox", Tier: "sandbox", Approval: "auto", Environment: "dev", Plan: plan("sandbox/eu/x")},
		{Path: "staging/eu/broken", Env: "staging", Tier: "staging", Approval: "auto", Plan: plan("staging/eu/broken")},
		{Path: "dev/eu/app", Env: "dev", Tier: "dev", Approval: "auto", Plan: plan("dev/eu/app")},
	}
	warnings := tr.Enforce(units, DefaultPolicy())
	ds := Decide(units, DefaultPolicy())
	gate := map[string]Decision{}
	for _, d := range ds {
		gate[d.Unit] = d
	}
	want := map[string]struct {
		gate Gate
		env  string
	}{
		"production/eu/app": {Manual, "production"},
		"production/eu/new": {Manual, "production"}, // nearest: production/eu/{app,db}, the manual one wins
		"sandbox/eu/x":      {Manual, "sandbox"},    // a new env: manual, and not in the env the change named
		"staging/eu/broken": {Manual, "staging"},
		"dev/eu/app":        {Auto, "dev"},
	}
	for u, w := range want {
		if d := gate[u]; d.Gate != w.gate || d.Environment != w.env {
			t.Errorf("%s: %s in %s, want %s in %s (reasons %v)", u, d.Gate, d.Environment, w.gate, w.env, d.Reasons)
		}
	}
	if d := gate["production/eu/app"]; d.Tier != "production" {
		t.Errorf("production/eu/app's tier = %q: the change's tier (or its metadata's) leaked in", d.Tier)
	}
	all := strings.Join(warnings, "\n")
	for _, w := range []string{
		`production/eu/app: this change sets approval = "auto" (the base has "manual")`,
		`production/eu/app: this change sets tier = "dev" (the base has "production")`,
		`production/eu/app: this change sets github_environment = "dev" (the base has unset)`,
		"production/eu/new: this change sets approval = \"auto\" (the base has \"manual\"); the rules that judge it come from the base commit abc, the strictest rule of its units under production/eu/ (the unit is new)",
		"sandbox/eu/x: this change sets approval = \"auto\" (the base has \"manual\")",
		"a new env: approval is manual",
		"where the unit does not evaluate",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	if strings.Contains(all, "dev/eu/app") {
		t.Errorf("an unchanged rule was warned about:\n%s", all)
	}
}
