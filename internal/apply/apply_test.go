package apply

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

func use(hash, value string, mocked, sensitive bool) artifact.OutputUse {
	o := artifact.OutputUse{Hash: hash, Mocked: mocked, Sensitive: sensitive}
	if value != "" {
		o.Value = json.RawMessage(value)
	}
	return o
}

func TestCompareDependencies(t *testing.T) {
	was := []artifact.DependencyUse{
		{Name: "network", Unit: "dev/network", Mocked: true, Outputs: map[string]artifact.OutputUse{
			"vpc_id": use("a", `"vpc-mock"`, true, false),
			"cidr":   use("c", `"10.0.0.0/16"`, false, false),
		}},
		{Name: "db", Unit: "dev/db", Outputs: map[string]artifact.OutputUse{
			"password": use("p1", "", false, true),
			"port":     use("x", "5432", false, false),
		}},
		{Name: "gone", Unit: "dev/gone"},
	}
	now := []artifact.DependencyUse{
		{Name: "network", Unit: "dev/network", Outputs: map[string]artifact.OutputUse{
			"vpc_id": use("b", `"vpc-123"`, false, false),
			"cidr":   use("c", `"10.0.0.0/16"`, false, false),
			"extra":  use("e", `1`, false, false),
		}},
		{Name: "db", Unit: "dev/db", Outputs: map[string]artifact.OutputUse{
			"password": use("p2", "", false, true),
		}},
		{Name: "cache", Unit: "dev/cache"},
	}
	got := strings.Join(compareDependencies(was, now), "\n")
	for _, want := range []string{
		`dependency network (dev/network): the plan used the mock value "vpc-mock" for output vpc_id; the real value is now "vpc-123"`,
		`dependency db (dev/db): output password changed since the plan ((sensitive value) -> (sensitive value))`,
		`dependency db (dev/db) no longer has output port`,
		`dependency "gone" is gone from the configuration`,
		`dependency "cache" (dev/cache) is new in the configuration`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	// An output the plan never saw is noise next to real differences...
	if strings.Contains(got, "extra") {
		t.Errorf("new output listed among real differences:\n%s", got)
	}
	// ...but is the reason when nothing else differs.
	only := compareDependencies(was[:1], []artifact.DependencyUse{{Name: "network", Unit: "dev/network", Outputs: map[string]artifact.OutputUse{
		"vpc_id": was[0].Outputs["vpc_id"], "cidr": was[0].Outputs["cidr"], "extra": use("e", "1", false, false)}}})
	if len(only) != 1 || !strings.Contains(only[0], "has a new output extra") {
		t.Errorf("only a new output: %v", only)
	}
	if d := compareDependencies(was[:1], was[:1]); len(d) != 0 {
		t.Errorf("identical uses differ: %v", d)
	}
}

func TestStaleErrorSaysWhatToDo(t *testing.T) {
	e := &StaleError{Unit: "dev/app", Reasons: []string{"a", "b"}}
	msg := e.Error()
	if !strings.Contains(msg, "dev/app: the plan is stale, not applied") || !strings.Contains(msg, "  - a\n  - b") || !strings.Contains(msg, "--replan-stale") {
		t.Errorf("message: %s", msg)
	}
}

func TestShowNeverPrintsSensitiveValues(t *testing.T) {
	if s := show(use("h", `"secret"`, false, true)); s != "(sensitive value)" {
		t.Errorf("show = %s", s)
	}
	if s := show(use("h", "[\n  \"a\"\n]", false, false)); s != `["a"]` {
		t.Errorf("show = %s", s)
	}
}
