package platform

import (
	"path/filepath"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/validate/hclfmt"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// TestFormatted: every .tf and .hcl file of the platform is `terraform fmt`-clean.
func TestFormatted(t *testing.T) {
	roots := append(moduleDirs(t), filepath.Join(repoRoot(t), "live"))
	for _, root := range roots {
		findings, err := hclfmt.Check(root)
		if err != nil {
			t.Fatalf("%s: %v", root, err)
		}
		for _, f := range findings {
			t.Errorf("%s", f)
		}
	}
}

// TestProviderSchema: every resource and data block of the platform's modules is valid
// against the AWS provider's schema (no unknown argument or block, no missing required
// argument): what `tofu validate` would say with the provider installed.
func TestProviderSchema(t *testing.T) {
	s, err := schema.Load(testenv.File(t, "aws-schema.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range moduleDirs(t) {
		findings, err := s.CheckDir(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, f := range findings {
			t.Errorf("%s", f)
		}
	}
}
