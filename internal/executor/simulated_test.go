package executor

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSimulatedProviders(t *testing.T) {
	root := t.TempDir()
	providers := filepath.Join(root, ".terraform", "providers")
	mirror := t.TempDir()
	pkg := func(dir string, marker bool) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "terraform-provider-x"), []byte("bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if marker {
			if err := os.WriteFile(filepath.Join(dir, SimulatorMarker), []byte("simulated\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	w := &Workdir{Dir: root}
	if got := w.SimulatedProviders(); got != nil {
		t.Fatalf("nothing installed: got %v", got)
	}
	// A real provider copied in, and the simulator linked from a mirror (as a filesystem
	// mirror installs it).
	pkg(filepath.Join(providers, "registry.opentofu.org", "hashicorp", "time", "0.14.2", "linux_amd64"), false)
	simDir := filepath.Join(mirror, "aws")
	pkg(simDir, true)
	awsDir := filepath.Join(providers, "registry.opentofu.org", "hashicorp", "aws", "6.66.0")
	if err := os.MkdirAll(awsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(simDir, filepath.Join(awsDir, "linux_amd64")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(awsDir, "linux_amd64.lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := w.SimulatedProviders()
	if want := []string{"registry.opentofu.org/hashicorp/aws"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// A folder named like the marker is not one.
	if err := os.MkdirAll(filepath.Join(providers, "registry.opentofu.org", "hashicorp", "local", "1.4.0", "linux_amd64", SimulatorMarker), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := w.SimulatedProviders(); len(got) != 1 {
		t.Fatalf("a marker folder counted: %v", got)
	}
}
