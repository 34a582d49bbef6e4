package artifact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteAndReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(unit string, withSummary bool) {
		t.Helper()
		d, err := NewUnitDir(dir, unit)
		if err != nil {
			t.Fatal(err)
		}
		m := &Metadata{
			Unit: unit, Action: ActionPlan, Status: StatusPlanned, Fingerprint: "f-" + unit,
			CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Duration: Duration(1500 * time.Millisecond),
			State: StateRef{Exists: true, Lineage: "l", Serial: 7},
			Dependencies: []DependencyUse{{Name: "vpc", Unit: "dev/vpc", Mocked: true,
				Outputs: map[string]OutputUse{"id": {Hash: "h", Mocked: true}}}},
		}
		if err := WriteMetadata(d, m); err != nil {
			t.Fatal(err)
		}
		if withSummary {
			if err := WriteSummary(d, &Summary{Unit: unit, Add: 1, HasChanges: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("dev/vpc", true)
	write("dev/vpc/nested", false)
	write("dev/app", true)

	plans, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, p := range plans {
		units = append(units, p.Metadata.Unit)
	}
	if strings.Join(units, " ") != "dev/app dev/vpc dev/vpc/nested" {
		t.Fatalf("units = %v", units)
	}
	vpc := plans[1]
	if vpc.Summary == nil || vpc.Summary.Add != 1 || plans[2].Summary != nil {
		t.Errorf("summaries: %+v %+v", vpc.Summary, plans[2].Summary)
	}
	if vpc.Metadata.State.Serial != 7 || vpc.Metadata.Duration != Duration(1500*time.Millisecond) || vpc.Metadata.Version != FormatVersion {
		t.Errorf("metadata round trip: %+v", vpc.Metadata)
	}
	if m := vpc.Metadata.Mocks(); len(m) != 1 || m[0] != "vpc" {
		t.Errorf("Mocks() = %v", m)
	}

	// Re-planning a unit clears its own files but keeps nested units.
	if _, err := NewUnitDir(dir, "dev/vpc"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(UnitDir(dir, "dev/vpc"), MetadataFile)); !os.IsNotExist(err) {
		t.Errorf("old metadata kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(UnitDir(dir, "dev/vpc/nested"), MetadataFile)); err != nil {
		t.Errorf("nested unit's artifacts removed: %v", err)
	}
}

func TestReadDirErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "olechka plan --out") {
		t.Errorf("empty folder: %v", err)
	}
	d, _ := NewUnitDir(dir, "a")
	os.WriteFile(filepath.Join(d, MetadataFile), []byte("{broken"), 0o644)
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), MetadataFile) {
		t.Errorf("broken metadata: %v", err)
	}
	os.WriteFile(filepath.Join(d, MetadataFile), []byte(`{"version": 99}`), 0o644)
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("future version: %v", err)
	}
}

func TestNewUnitDirRejectsEscapes(t *testing.T) {
	for _, u := range []string{"", "../x", "a/../../x", "/abs", "a//b", `a\b`} {
		if _, err := NewUnitDir(t.TempDir(), u); err == nil {
			t.Errorf("NewUnitDir(%q) accepted", u)
		}
	}
}
