package apply

import (
	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/plan"
)

// openPlan returns the binary plan to apply: decrypted into the unit's working area
// with $OLECHKA_PLAN_IDENTITY (held by the apply environment only) when the plan stage
// sealed it, else the plan folder's own file (artifact.OpenPlan).
func openPlan(env *plan.Env, dir, workRoot string) (string, error) {
	id := ""
	if env.Getenv != nil {
		id, _ = env.Getenv(artifact.EnvPlanIdentity)
	}
	return artifact.OpenPlan(dir, workRoot, id)
}
