package artifact

import (
	"slices"
	"testing"
)

func TestSimulatedProviders(t *testing.T) {
	aws := "registry.opentofu.org/hashicorp/aws"
	ps := []*Plan{
		{Metadata: Metadata{Unit: "a"}},
		{Metadata: Metadata{Unit: "b", Simulated: []string{aws}}},
		nil,
		{Metadata: Metadata{Unit: "c", Simulated: []string{"registry.opentofu.org/hashicorp/awscc", aws}}},
	}
	if got, want := SimulatedProviders(ps), []string{aws, "registry.opentofu.org/hashicorp/awscc"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := SimulatedProviders(ps[:1]); got != nil {
		t.Errorf("no simulated provider: got %v", got)
	}
}

// TestSimulatedRoundTrip: the field survives writing and reading a plan folder, and is
// absent from the JSON of a plan made against real providers.
func TestSimulatedRoundTrip(t *testing.T) {
	dir := t.TempDir()
	aws := "registry.opentofu.org/hashicorp/aws"
	for _, m := range []Metadata{
		{Version: FormatVersion, Unit: "sim", Status: StatusPlanned, Simulated: []string{aws}},
		{Version: FormatVersion, Unit: "real", Status: StatusPlanned},
	} {
		if err := WriteMetadata(UnitDir(dir, m.Unit), &m); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range ps {
		got[p.Metadata.Unit] = p.Metadata.Simulated
	}
	if !slices.Equal(got["sim"], []string{aws}) || got["real"] != nil {
		t.Errorf("read back %v", got)
	}
}
