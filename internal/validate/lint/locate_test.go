package lint

import (
	"github.com/terragrunt-olechka/olechka/internal/editdist"
	"os"
	"path/filepath"
	"testing"
)

func TestLocatorInput(t *testing.T) {
	dir := t.TempDir()
	unit := filepath.Join(dir, "terragrunt.hcl")
	common := filepath.Join(dir, "common.hcl")
	os.WriteFile(unit, []byte(`locals {
  x = 1
}

inputs = merge(include.common.locals.aurora.inputs, {
  vpc_id = "v"
})
`), 0o644)
	os.WriteFile(common, []byte(`locals {
  cache = {
    inputs = {
      log_retention_days = 7
    }
  }
  aurora = {
    inputs = {
      log_retention_days  = 30
      deletion_protection = true
    }
  }
}
`), 0o644)
	l := NewLocator()
	files := []string{unit, common}
	for _, c := range []struct {
		key, hint, file string
		line            int
	}{
		{"vpc_id", "aurora", unit, 6},
		{"deletion_protection", "aurora", common, 10},
		{"log_retention_days", "aurora", common, 9},
		{"log_retention_days", "", common, 4},
		{"nothing", "aurora", unit, 5},
		{"", "", unit, 5},
	} {
		r, ok := l.Input(files, c.key, c.hint)
		if !ok || r.Filename != c.file || r.Start.Line != c.line {
			t.Errorf("Input(%q, %q) = %s:%d (%v), want %s:%d", c.key, c.hint, r.Filename, r.Start.Line, ok, c.file, c.line)
		}
	}
	if _, ok := l.Input([]string{common}, "x"); ok {
		t.Error("no inputs attribute and no such key: not found")
	}
}

func TestDistance(t *testing.T) {
	if editdist.Distance("instanse_class", "instance_class") != 1 || editdist.Distance("", "abc") != 3 || editdist.Distance("same", "same") != 0 {
		t.Fatal("levenshtein")
	}
}
