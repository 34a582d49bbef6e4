package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/plan/faketofu"
)

// get_working_dir at plan is the folder the unit's OpenTofu runs in (under the
// executor's work root), not Terragrunt's cache path, and the evaluation that plans
// it and a later one from another work root share a fingerprint (apply would
// otherwise call the plan stale).
func TestPlanGetWorkingDir(t *testing.T) {
	root := faketofu.Chain(t)
	unit := filepath.Join(root, "a", "terragrunt.hcl")
	if err := os.WriteFile(unit, []byte(`terraform { source = "../modules/m" }
inputs = { name = get_working_dir() }
`), 0o644); err != nil {
		t.Fatal(err)
	}
	env, ft := faketofu.Env(t, root)
	u, err := env.Evaluator("plan", plan.NewOutputs()).Unit(context.Background(), root, filepath.Dir(unit))
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(ft.WorkRoot(), "a", "src")
	if got := u.Config.Inputs.GetAttr("name").AsString(); got != want {
		t.Errorf("get_working_dir() = %s, want %s", got, want)
	}

	other, _ := faketofu.Env(t, root) // another runner: another work root
	u2, err := other.Evaluator("apply", plan.NewOutputs()).Unit(context.Background(), root, filepath.Dir(unit))
	if err != nil {
		t.Fatal(err)
	}
	if u2.Config.Inputs.GetAttr("name").AsString() == want {
		t.Fatal("both environments share a work root; the test proves nothing")
	}
	if u.Fingerprint != u2.Fingerprint {
		t.Errorf("fingerprints differ between work roots: %s, %s", u.Fingerprint, u2.Fingerprint)
	}
}
