package plan

import (
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
)

// AddDependencySecrets adds to the working directory's secrets the values of u's
// dependencies' outputs their state marks sensitive. Such a value reaches the unit as a
// plain input (TF_VAR_), so OpenTofu shows it in clear unless the variable is declared
// sensitive; olechka masks it in the unit's log and in every artifact instead.
func AddDependencySecrets(w *executor.Workdir, u *config.Unit, outputs *Outputs) {
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
