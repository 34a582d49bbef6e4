package executor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnlockCommandWorksFromHere replays the message a killed apply left: the unit
// dev/eu-central-1/vault of the tree live/ was suggested as `olechka unlock
// dev/eu-central-1/vault`, which names no folder from the repository root. The
// suggested path must be the unit's folder as seen from wherever the user stands.
func TestUnlockCommandWorksFromHere(t *testing.T) {
	repo := t.TempDir()
	unit := filepath.Join(repo, "live", "dev", "eu-central-1", "vault")
	if err := os.MkdirAll(unit, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(unit, "terragrunt.hcl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ cwd, want string }{
		{repo, "olechka unlock live/dev/eu-central-1/vault"},
		{filepath.Join(repo, "live"), "olechka unlock dev/eu-central-1/vault"},
		{unit, "olechka unlock ."},
		{filepath.Join(repo, "live", "dev", "eu-central-1"), "olechka unlock vault"},
	} {
		t.Run(filepath.Base(tc.cwd), func(t *testing.T) {
			t.Chdir(tc.cwd)
			got := UnlockCommand(tc.cwd, unit)
			if got != tc.want {
				t.Errorf("from %s: %q, want %q", tc.cwd, got, tc.want)
			}
			// The argument names the unit's folder from here.
			arg := strings.TrimPrefix(got, "olechka unlock ")
			if _, err := os.Stat(filepath.Join(arg, "terragrunt.hcl")); err != nil {
				t.Errorf("from %s, %q names no unit: %v", tc.cwd, arg, err)
			}
		})
	}
	if got := UnlockCommand("", "/srv/my repo/live/x"); got != `olechka unlock '/srv/my repo/live/x'` && !strings.HasPrefix(got, "olechka unlock '") {
		t.Errorf("a path with a space is not quoted: %q", got)
	}
	// The library reads no working folder of its own: the caller's folder decides.
	if got := UnlockCommand(filepath.Join(repo, "live"), unit); got != "olechka unlock dev/eu-central-1/vault" {
		t.Errorf("from live/ (passed in): %q", got)
	}
}
