package detect

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// moduleNotes are the module file reads detect could not resolve statically (each module
// once, with file:line): detect then takes the module to depend on the whole folder the
// path is known up to, and says so (issue 17). Paths are written relative to the
// repository root.
func moduleNotes(units []*config.Unit, repo string) []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range units {
		if u == nil {
			continue
		}
		for _, n := range u.ModuleNotes {
			if repo != "" {
				n = strings.ReplaceAll(n, repo+string(filepath.Separator), "")
			}
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}
