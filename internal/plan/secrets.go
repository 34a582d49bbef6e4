package plan

import (
	"fmt"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
)

// AddDependencySecrets adds to the working directory's secrets the values of u's
// dependencies' outputs their state marks sensitive. Such a value reaches the unit as a
// plain input (TF_VAR_), so OpenTofu shows it in clear unless the variable is declared
// sensitive; olechka masks it in the unit's log and in every artifact instead.
func AddDependencySecrets(w Workdir, u *config.Unit, outputs *Outputs) {
	for _, d := range u.Config.Dependency {
		st := outputs.State(d.Dir)
		if !d.Enabled || st == nil {
			continue
		}
		for _, o := range st.Outputs {
			if o.Sensitive {
				w.Secrets().AddJSON(o.Value)
			}
		}
	}
}

// sealPlan seals the binary plan in dir for the apply side (artifact.SealPlan) when a
// recipient is configured ($OLECHKA_PLAN_RECIPIENT; in local mode olechka makes one). A
// plan on GitHub Actions without one fails rather than leave plan and state readable in
// an artifact.
func sealPlan(env *Env, dir string) error {
	get := func(k string) string {
		if env.Getenv == nil {
			return ""
		}
		v, _ := env.Getenv(k)
		return v
	}
	rec := get(artifact.EnvPlanRecipient)
	if rec == "" {
		if get("GITHUB_ACTIONS") == "true" {
			return fmt.Errorf("%s is not set: a binary plan holds variables and state in clear and is not stored unsealed on GitHub Actions (docs/security.md#binary-plans)", artifact.EnvPlanRecipient)
		}
		return nil
	}
	return artifact.SealPlan(dir, rec)
}
