package executor

import (
	"os"
	"path/filepath"
	"sort"
)

// SimulatorMarker is the file a simulated provider's package carries next to its binary
// (scripts/tools/60-awssim.sh writes it into the tool cache's mirror for olechka's AWS
// simulator, cmd/awssim). A real provider's package never has it. OpenTofu links or
// copies the whole package into .terraform/providers, so the marker says, for the
// providers a plan actually ran with, which ones never talked to the real service.
const SimulatorMarker = "OLECHKA_SIMULATED"

// SimulatedProviders lists the source addresses (e.g. registry.opentofu.org/hashicorp/aws)
// of the providers installed in the working directory whose package carries
// SimulatorMarker, sorted; nil when there are none or nothing is installed yet.
func (w *Workdir) SimulatedProviders() []string {
	return SimulatedProvidersIn(filepath.Join(w.Dir, ".terraform", "providers"))
}

// SimulatedProvidersIn is SimulatedProviders for a providers folder laid out as
// OpenTofu installs it: HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/.
func SimulatedProvidersIn(dir string) []string {
	matches, err := filepath.Glob(filepath.Join(dir, "*", "*", "*", "*", "*", SimulatorMarker))
	if err != nil {
		return nil // only a malformed pattern errs, and this one is fixed
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range matches {
		if fi, err := os.Stat(m); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		rel, err := filepath.Rel(dir, m)
		if err != nil {
			continue
		}
		// HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/marker -> HOST/NAMESPACE/TYPE
		addr := filepath.ToSlash(filepath.Dir(filepath.Dir(filepath.Dir(rel))))
		if !seen[addr] {
			seen[addr] = true
			out = append(out, addr)
		}
	}
	sort.Strings(out)
	return out
}
