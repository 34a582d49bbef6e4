package policy

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// TestRegoPolicies runs the policies' own tests (policy/**/*_test.rego), as `opa test policy/` would.
func TestRegoPolicies(t *testing.T) {
	dir := filepath.Join(testenv.RepoRoot(t), "policy")
	results, err := tester.Run(context.Background(), dir)
	if err != nil {
		t.Fatalf("opa test %s: %v", dir, err)
	}
	if len(results) < 20 {
		t.Fatalf("ran %d policy tests, expected the suite (>= 20)", len(results))
	}
	for _, r := range results {
		if r.Fail || r.Error != nil {
			var why strings.Builder
			if r.Error != nil {
				why.WriteString(r.Error.Error())
			}
			t.Errorf("%s.%s failed %s", r.Package, r.Name, why.String())
		}
	}
}
