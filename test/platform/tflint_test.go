package platform

import (
	"context"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/validate/tflint"
)

// TestTflint: tflint's bundled terraform ruleset (the recommended preset: unused
// declarations, typed variables, required versions and providers, deprecated syntax...)
// finds nothing in the platform's modules.
func TestTflint(t *testing.T) {
	bin := testenv.Tool(t, "tflint")
	ctx := context.Background()
	for _, dir := range moduleDirs(t) {
		findings, err := tflint.Run(ctx, bin, dir)
		if err != nil {
			t.Fatalf("tflint %s: %v", dir, err)
		}
		for _, f := range findings {
			t.Errorf("%s", f)
		}
	}
}
