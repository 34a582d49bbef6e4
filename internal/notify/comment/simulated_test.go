package comment

import (
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/notify"
)

// TestSimulatedBanner: plans made against a simulated provider carry a caution banner
// right under the heading, in the full comment and in the first posted part; real
// plans carry none.
func TestSimulatedBanner(t *testing.T) {
	in := sample()
	if strings.Contains(Full(in), notify.SimulatedTitle) {
		t.Fatal("banner without simulated providers")
	}
	in.Simulated = []string{"registry.opentofu.org/hashicorp/aws"}
	full := Full(in)
	i := strings.Index(full, "> [!CAUTION]\n> **"+notify.SimulatedTitle+"**: ")
	if i < 0 {
		t.Fatalf("no banner:\n%s", full)
	}
	if h := strings.Index(full, "## "); h < 0 || h > i || strings.Index(full, "| ") < i {
		t.Errorf("banner not between the heading and the unit table:\n%s", full[:min(len(full), 1500)])
	}
	if !strings.Contains(full, "registry.opentofu.org/hashicorp/aws") || !strings.Contains(full, "simulator of AWS") {
		t.Errorf("banner does not name the provider:\n%s", full[i:i+400])
	}
	parts := Render(in, Options{MaxChars: 4000, MaxParts: 10})
	if !strings.Contains(parts[0], notify.SimulatedTitle) {
		t.Errorf("first part has no banner:\n%s", parts[0])
	}
}
