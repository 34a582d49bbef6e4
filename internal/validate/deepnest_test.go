package validate_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
	"github.com/terragrunt-olechka/olechka/internal/validate/hclfmt"
	"github.com/terragrunt-olechka/olechka/internal/validate/lint"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// TestDeepNestingInParsers replays the 400 KB file of 200,000 "[" that killed units
// and detect with a stack overflow, against the validate stage's own parsers: each
// must answer with a file:line error, not crash the process.
func TestDeepNestingInParsers(t *testing.T) {
	src := []byte("a = " + strings.Repeat("[", 200_000) + "\n")
	const name = "deep.tf"
	wantErr := func(t *testing.T, what, msg string) {
		t.Helper()
		if !strings.Contains(msg, name+":1") {
			t.Errorf("%s: got %q, want an error at %s:1", what, msg, name)
		}
	}
	if out, diags := hclfmt.Format(src, name); out != nil || !diags.HasErrors() {
		t.Errorf("hclfmt.Format: formatted a file nested 200,000 deep")
	} else {
		wantErr(t, "hclfmt.Format", diags.Error())
	}
	if _, diags := cost.ParseMapping(src, name); !diags.HasErrors() {
		t.Errorf("cost.ParseMapping accepted it")
	} else {
		wantErr(t, "cost.ParseMapping", diags.Error())
	}
	s := &schema.Schema{}
	fs := s.CheckFile(name, src)
	if len(fs) == 0 {
		t.Errorf("schema.CheckFile: no finding")
	} else {
		wantErr(t, "schema.CheckFile", fs[0].File+":"+strconv.Itoa(fs[0].Line))
	}
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if body, diags := lint.NewLocator().Body(path); body != nil || !diags.HasErrors() {
		t.Errorf("lint.Locator.Body: parsed it")
	}
}
