package observability

import (
	"context"
	"sort"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/security"
)

// Trivy's embedded Terraform checks, offline, over each module with each unit's real
// inputs, through the scanner `olechka validate` uses: no HIGH or CRITICAL finding.
func TestTrivyFindsNothingHighOrCritical(t *testing.T) {
	units := ourUnits(t)
	var paths []string
	for p := range units {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	scanner := security.New()
	for _, p := range paths {
		u := units[p]
		src, ok := u.Config.Terraform.LocalSourceDir()
		if !ok {
			t.Fatalf("%s: no local module source", p)
		}
		fs, err := scanner.ScanModule(context.Background(), src, u.Config.Inputs)
		if err != nil {
			t.Fatalf("%s: trivy: %v", p, err)
		}
		for _, f := range fs {
			// A suppressed result comes back as a note carrying its reason.
			if (f.Severity == "HIGH" || f.Severity == "CRITICAL") && f.Level != finding.Note {
				t.Errorf("%s: %s", p, f)
			} else {
				t.Logf("%s: %s", p, f)
			}
		}
	}
}
