package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/hclfmt"
)

// TestFmtHintRunsFromHere: the hint of an unformatted file names it as seen from the
// user's folder, and running `olechka fmt <that path>` from there would find the file.
func TestFmtHintRunsFromHere(t *testing.T) {
	repo := t.TempDir()
	file := filepath.Join(repo, "live", "dev", "env.hcl")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("locals {\nx=1\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ from, want string }{
		{repo, "live/dev/env.hcl"},
		{filepath.Join(repo, "live", "dev"), "env.hcl"},
		{filepath.Join(repo, "modules"), "../live/dev/env.hcl"},
	} {
		f, err := hclfmt.FormatFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fs := f.Findings()
		fmtHints(fs, tc.from)
		var hint string
		for _, fd := range fs {
			if fd.Rule == hclfmt.RuleUnformatted {
				hint = fd.Message
			}
		}
		if !strings.HasSuffix(hint, "run `olechka fmt "+tc.want+"`") {
			t.Errorf("from %s: %q, want the path %s", tc.from, hint, tc.want)
			continue
		}
		if _, err := os.Stat(filepath.Join(tc.from, filepath.FromSlash(tc.want))); err != nil {
			t.Errorf("from %s the hint's path names no file: %v", tc.from, err)
		}
	}
	fs := []finding.Finding{{Rule: hclfmt.RuleUnformatted, File: "/srv/my repo/x.tf", Message: "m"}}
	fmtHints(fs, "")
	if !strings.Contains(fs[0].Message, "'/srv/my repo/x.tf'") {
		t.Errorf("a path with a space is not quoted: %q", fs[0].Message)
	}
}
