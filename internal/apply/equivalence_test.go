package apply

import (
	"encoding/json"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// rc builds one resource change of a plan from JSON fragments.
func rc(addr string, actions []string, after, unknown string) string {
	if after == "" {
		after = "null"
	}
	if unknown == "" {
		unknown = "{}"
	}
	acts, _ := json.Marshal(actions)
	a, _ := json.Marshal(addr)
	return `{"address":` + string(a) + `,"mode":"managed","type":"t","name":"n","change":{"actions":` + string(acts) +
		`,"before":null,"after":` + after + `,"after_unknown":` + unknown + `}}`
}

func planOf(t *testing.T, changes ...string) *tfjson.Plan {
	t.Helper()
	js := `{"format_version":"1.2","resource_changes":[` + strings.Join(changes, ",") + `]}`
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		t.Fatalf("plan JSON: %v\n%s", err, js)
	}
	return &p
}

func TestEquivalent(t *testing.T) {
	create := []string{"create"}
	mocks := []any{"vpc-00000000mock", []any{"subnet-mock-a", "subnet-mock-b"}, float64(2)}
	tests := []struct {
		name      string
		reviewed  []string
		replanned []string
		want      bool
		reason    string // a substring of one reason when not equivalent
		accepted  int
	}{
		{
			name:      "identical",
			reviewed:  []string{rc("t.a", create, `{"name":"x"}`, `{"id":true}`)},
			replanned: []string{rc("t.a", create, `{"name":"x"}`, `{"id":true}`)},
			want:      true,
		},
		{
			name:      "mock value replaced by the real one",
			reviewed:  []string{rc("t.a", create, `{"vpc_id":"vpc-00000000mock","name":"x"}`, `{"id":true}`)},
			replanned: []string{rc("t.a", create, `{"vpc_id":"vpc-1234","name":"x"}`, `{"id":true}`)},
			want:      true, accepted: 1,
		},
		{
			name:      "string built from a mock value",
			reviewed:  []string{rc("t.a", create, `{"tags":{"Name":"sg-for-vpc-00000000mock"}}`, ``)},
			replanned: []string{rc("t.a", create, `{"tags":{"Name":"sg-for-vpc-1234"}}`, ``)},
			want:      true, accepted: 1,
		},
		{
			name:      "mocked list of another length",
			reviewed:  []string{rc("t.a", create, `{"subnets":["subnet-mock-a","subnet-mock-b"]}`, ``)},
			replanned: []string{rc("t.a", create, `{"subnets":["subnet-1","subnet-2","subnet-3"]}`, ``)},
			want:      true, accepted: 1,
		},
		{
			name:      "unknown value now known",
			reviewed:  []string{rc("t.a", create, `{"name":"x"}`, `{"arn":true,"id":true}`)},
			replanned: []string{rc("t.a", create, `{"name":"x","arn":"arn:aws:x"}`, `{"id":true}`)},
			want:      true, accepted: 1,
		},
		{
			name:      "known value differs",
			reviewed:  []string{rc("t.a", create, `{"name":"x","size":10}`, ``)},
			replanned: []string{rc("t.a", create, `{"name":"x","size":20}`, ``)},
			reason:    `t.a.size: reviewed 10, re-planned 20`,
		},
		{
			name:      "known value now unknown",
			reviewed:  []string{rc("t.a", create, `{"name":"x"}`, ``)},
			replanned: []string{rc("t.a", create, `{"name":null}`, `{"name":true}`)},
			reason:    `t.a.name: reviewed "x", now unknown until apply`,
		},
		{
			name:      "mock value changes a count",
			reviewed:  []string{rc("t.a[0]", create, `{}`, ``), rc("t.a[1]", create, `{}`, ``)},
			replanned: []string{rc("t.a[0]", create, `{}`, ``), rc("t.a[1]", create, `{}`, ``), rc("t.a[2]", create, `{}`, ``)},
			reason:    `+ t.a[2]: new in the re-plan (create)`,
		},
		{
			name:      "for_each key gone",
			reviewed:  []string{rc(`t.a["x"]`, create, `{}`, ``), rc(`t.a["y"]`, create, `{}`, ``)},
			replanned: []string{rc(`t.a["x"]`, create, `{}`, ``)},
			reason:    `- t.a["y"]: in the reviewed plan (create), not in the re-plan`,
		},
		{
			name:      "destroy appears",
			reviewed:  []string{rc("t.a", []string{"update"}, `{"vpc_id":"vpc-00000000mock"}`, ``)},
			replanned: []string{rc("t.a", []string{"delete", "create"}, `{"vpc_id":"vpc-1234"}`, ``)},
			reason:    `reviewed as update, re-planned as delete+create (a destroy the review did not see)`,
		},
		{
			name:      "a bool is never traced to a mock",
			reviewed:  []string{rc("t.a", create, `{"enabled":true}`, ``)},
			replanned: []string{rc("t.a", create, `{"enabled":false}`, ``)},
			reason:    `t.a.enabled: reviewed true, re-planned false`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Equivalent(planOf(t, tt.reviewed...), planOf(t, tt.replanned...), mocks)
			if v.Equivalent != tt.want {
				t.Fatalf("Equivalent = %v, want %v; reasons %q", v.Equivalent, tt.reason == "", v.Reasons)
			}
			if tt.reason != "" && !strings.Contains(strings.Join(v.Reasons, "\n"), tt.reason) {
				t.Errorf("reasons %q do not say %q", v.Reasons, tt.reason)
			}
			if tt.reason == "" && len(v.Accepted) != tt.accepted {
				t.Errorf("accepted %q, want %d", v.Accepted, tt.accepted)
			}
		})
	}
}

func TestEquivalentOutputsAndSensitive(t *testing.T) {
	js := func(out string) *tfjson.Plan {
		var p tfjson.Plan
		if err := json.Unmarshal([]byte(`{"format_version":"1.2","output_changes":{"pw":`+out+`}}`), &p); err != nil {
			t.Fatal(err)
		}
		return &p
	}
	v := Equivalent(js(`{"actions":["create"],"after":"old-secret","after_sensitive":true}`),
		js(`{"actions":["create"],"after":"new-secret","after_sensitive":true}`), nil)
	if v.Equivalent {
		t.Fatal("a changed known output was accepted")
	}
	if s := strings.Join(v.Reasons, "\n"); strings.Contains(s, "secret") || !strings.Contains(s, "(sensitive value)") {
		t.Errorf("reasons must name the output without its value: %q", v.Reasons)
	}
}
