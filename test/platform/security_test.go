package platform

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/security"
)

// TestSecurityChecks: trivy's embedded Terraform checks, offline, on every platform
// unit's module evaluated with that unit's inputs, find nothing HIGH or CRITICAL. The
// accepted findings are suppressed inline with a reason (reported as notes), and every
// suppression is still needed: it silences a finding of at least one unit.
func TestSecurityChecks(t *testing.T) {
	tree := renderTree(t)
	var us []*config.Unit
	for _, u := range tree.Units {
		if platformUnit(u) {
			us = append(us, u)
		}
	}
	if len(us) < 52 {
		t.Errorf("%d platform units, want 52", len(us))
	}
	dirs := make([]string, len(us))
	for i, u := range us {
		dirs[i] = sourceDir(t, u)
	}
	// trivy serializes the scans of one scanner: one scanner per core.
	results := make([][]finding.Finding, len(us))
	errs := make([]error, len(us))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			scanner := security.New()
			for i := w; i < len(us); i += workers {
				results[i], errs[i] = scanner.ScanModule(context.Background(), dirs[i], us[i].Config.Inputs)
			}
		}(w)
	}
	wg.Wait()
	suppressed := map[string]bool{} // file:rule of the notes
	for i, u := range us {
		if errs[i] != nil {
			t.Fatalf("%s: %v", u.Path, errs[i])
		}
		for _, f := range results[i] {
			switch {
			case f.Rule == security.RuleNoReason:
				t.Errorf("%s: %s", u.Path, f)
			case f.Level == finding.Note:
				suppressed[f.File+" "+f.Rule] = true
			case f.Severity == "HIGH" || f.Severity == "CRITICAL":
				t.Errorf("%s: %s", u.Path, f)
			default:
				t.Logf("%s: accepted %s finding: %s", u.Path, f.Severity, f)
			}
		}
	}
	// Every inline suppression in the platform's modules silences something.
	re := regexp.MustCompile(`trivy:ignore:AVD-([A-Z]+-[0-9]+)`)
	n := 0
	for _, dir := range moduleDirs(t) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		for _, f := range files {
			src, _ := os.ReadFile(f)
			for i, line := range strings.Split(string(src), "\n") {
				for _, m := range re.FindAllStringSubmatch(line, -1) {
					n++
					if !suppressed[f+" "+m[1]] {
						t.Errorf("%s:%d: suppression of %s silences no finding of any unit; remove it", f, i+1, m[1])
					}
				}
			}
		}
	}
	if n == 0 {
		t.Errorf("no inline suppression found: the ALB's exposure, its log bucket and the tasks' egress are accepted findings")
	}
}
