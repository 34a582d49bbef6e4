package slack

import (
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/notify"
)

// TestSimulatedBanner: a report of plans made against a simulated provider says so in
// the notification text and in a section right under the header; others do not.
func TestSimulatedBanner(t *testing.T) {
	r := applyReport()
	m := Build(r)
	if strings.Contains(m.Text, notify.SimulatedTitle) || m.Blocks[1].Text == nil || strings.Contains(m.Blocks[1].Text.Text, notify.SimulatedTitle) {
		t.Fatal("banner without simulated providers")
	}
	r.Simulated = []string{"registry.opentofu.org/hashicorp/aws"}
	m = Build(r)
	if !strings.HasSuffix(m.Text, "("+notify.SimulatedTitle+")") {
		t.Errorf("fallback text %q", m.Text)
	}
	if m.Blocks[0].Type != "header" || m.Blocks[1].Type != "section" || m.Blocks[1].Text == nil ||
		!strings.HasPrefix(m.Blocks[1].Text.Text, ":warning: *"+notify.SimulatedTitle+"*: ") {
		t.Fatalf("second block is not the banner: %+v", m.Blocks[1])
	}
	if _, err := m.JSON(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text(), "⚠ "+notify.SimulatedTitle+": ") {
		t.Errorf("Text has no banner:\n%s", r.Text())
	}
}
