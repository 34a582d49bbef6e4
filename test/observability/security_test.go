package observability

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aquasecurity/trivy/pkg/iac/rego"
	"github.com/aquasecurity/trivy/pkg/iac/scanners/terraform"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Trivy's embedded Terraform checks, offline, over each module with each unit's real
// inputs (as a tfvars file): no HIGH or CRITICAL finding. (internal/validate's security
// scanner runs the same checks for `olechka validate`.)
func TestTrivyFindsNothingHighOrCritical(t *testing.T) {
	units := ourUnits(t)
	var paths []string
	for p := range units {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		u := units[p]
		src, _ := u.Config.Terraform.LocalSourceDir()
		tmp := t.TempDir()
		files, err := filepath.Glob(filepath.Join(src, "*.tf"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no module files in %s", p, src)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmp, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		vars, err := ctyjson.Marshal(u.Config.Inputs, u.Config.Inputs.Type())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, "inputs.tfvars.json"), vars, 0o644); err != nil {
			t.Fatal(err)
		}
		s := terraform.New(rego.WithEmbeddedPolicies(true), rego.WithEmbeddedLibraries(true),
			terraform.ScannerWithDownloadsAllowed(false), terraform.ScannerWithTFVarsPaths("inputs.tfvars.json"))
		res, err := s.ScanFS(context.Background(), os.DirFS(tmp), ".")
		if err != nil {
			t.Fatalf("%s: trivy: %v", p, err)
		}
		if len(res) == 0 {
			t.Errorf("%s: trivy evaluated no check at all", p)
		}
		for _, r := range res.GetFailed() {
			rg := r.Range()
			msg := p + ": " + filepath.Base(rg.GetFilename()) + ":" + strconv.Itoa(rg.GetStartLine()) + " " + r.Rule().ID + " " + string(r.Severity()) + " " + r.Description()
			switch strings.ToUpper(string(r.Severity())) {
			case "HIGH", "CRITICAL":
				t.Error(msg)
			default:
				t.Log(msg)
			}
		}
	}
}
