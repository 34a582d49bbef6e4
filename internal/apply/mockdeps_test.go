package apply

import (
	"reflect"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

// A mocked output that the applied dependency no longer has (its real value is null,
// and OpenTofu stores no null output) counts as replaced by its real value, so the unit
// is re-planned in the same run; an output that was real and is now gone still makes
// the plan stale.
func TestMockedDepsNullOutput(t *testing.T) {
	r := &run{results: map[string]*UnitResult{"dev/db": {Status: StatusApplied}}}
	was := []artifact.DependencyUse{{Name: "db", Unit: "dev/db", Mocked: true, Outputs: map[string]artifact.OutputUse{
		"endpoint":      {Hash: "mock-endpoint", Mocked: true},
		"global_id":     {Hash: "mock-global", Mocked: true},
		"database_name": {Hash: "same"},
	}}}
	now := []artifact.DependencyUse{{Name: "db", Unit: "dev/db", Outputs: map[string]artifact.OutputUse{
		"endpoint":      {Hash: "real-endpoint"},
		"database_name": {Hash: "same"},
	}}}
	got, ok := r.mockedDeps(was, now)
	if !ok || !reflect.DeepEqual(got, []string{"db.endpoint", "db.global_id"}) {
		t.Fatalf("mockedDeps = %v, %v; want [db.endpoint db.global_id], true", got, ok)
	}

	// The same, but the gone output was a real value: not a mock replacement.
	was[0].Outputs["global_id"] = artifact.OutputUse{Hash: "real-global"}
	if got, ok := r.mockedDeps(was, now); ok {
		t.Fatalf("mockedDeps = %v, true; want false when a real output disappeared", got)
	}

	// A dependency this run did not apply: the mocks were not replaced by this run.
	was[0].Outputs["global_id"] = artifact.OutputUse{Hash: "mock-global", Mocked: true}
	r.results["dev/db"].Status = StatusUnchanged
	if got, ok := r.mockedDeps(was, now); ok {
		t.Fatalf("mockedDeps = %v, true; want false when the dependency was not applied in this run", got)
	}
}
