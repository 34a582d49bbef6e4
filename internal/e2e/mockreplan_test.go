package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/apply"
	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

// probeModule is a tiny module for re-plan tests: its outputs are its inputs, and its
// resources follow them (a value, a count, a replace trigger).
const probeModule = `variable "value" {
  type        = string
  description = "A value passed through."
}

variable "items" {
  type        = list(string)
  description = "One resource per item (count)."
  default     = []
}

variable "shout" {
  type        = bool
  description = "Store the value upper-cased: a value no tracing can map back to a mock."
  default     = false
}

variable "trigger" {
  type        = list(string)
  description = "Replaces the resource when it changes."
  default     = []
}

resource "terraform_data" "thing" {
  count            = length(var.items) == 0 ? 1 : length(var.items)
  input            = var.shout ? upper(var.value) : var.value
  triggers_replace = var.trigger
}

output "value" {
  value = var.value
}

output "items" {
  value = var.items
}
`

// probeUnit writes a probe unit; dep names the unit it depends on (mocked for plan).
func (h *harness) probeUnit(name, inputs, dep string) {
	h.t.Helper()
	block := ""
	if dep != "" {
		block = fmt.Sprintf(`
dependency "src" {
  config_path = "../%s"

  mock_outputs = {
    value = "mock-value"
    items = ["a", "b"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}
`, dep)
	}
	h.write(devRoot+"/eu-central-1/probe/"+name+"/terragrunt.hcl", fmt.Sprintf(`include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//probe"
}
%s
inputs = %s
`, block, inputs))
}

// planApply plans units (dirs under probe/) into a fresh folder and applies it.
func (h *harness) planApply(units ...string) (string, run) {
	h.t.Helper()
	plans := filepath.Join(h.t.TempDir(), "plans")
	var ids []string
	for _, u := range units {
		ids = append(ids, "eu-central-1/probe/"+u)
	}
	if r := h.plan(plans, append([]string{"--root", h.root}, h.unitDirs(ids)...)...); r.code != 0 {
		h.t.Fatalf("plan: %s", r)
	}
	return plans, h.apply(plans)
}

func verdict(t *testing.T, plans, unit string) apply.VerdictRecord {
	t.Helper()
	var v apply.VerdictRecord
	b, err := os.ReadFile(filepath.Join(artifact.UnitDir(filepath.Join(plans, apply.ReplansDir), "eu-central-1/probe/"+unit), apply.VerdictFile))
	if err != nil {
		t.Fatalf("verdict of %s: %v", unit, err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReplanOnRealOutputs: a unit planned on mock outputs of a dependency applied in the
// same run is re-planned with the real outputs and applied when the re-plan is
// equivalent; a re-plan with a changed known value, another count or a destroy stops the
// unit for a new review, its dependents skipped.
func TestReplanOnRealOutputs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.write("modules/probe/main.tf", probeModule)
	// Equivalent: the value passes through (traced to the mock), same count.
	h.probeUnit("src-ok", `{ value = "real-ok", items = ["x", "y"] }`, "")
	h.probeUnit("use-ok", `{ value = "prefix-${dependency.src.outputs.value}", items = dependency.src.outputs.items }`, "src-ok")
	// A known value that no tracing maps to the mock: MOCK-VALUE -> REAL-KNOWN.
	h.probeUnit("src-known", `{ value = "real-known" }`, "")
	h.probeUnit("use-known", `{ value = dependency.src.outputs.value, shout = true }`, "src-known")
	h.probeUnit("after-known", `{ value = dependency.src.outputs.value }`, "use-known")
	// A mock list that sets a count: 2 mocked items, 3 real ones.
	h.probeUnit("src-count", `{ value = "real-count", items = ["x", "y", "z"] }`, "")
	h.probeUnit("use-count", `{ value = "fixed", items = dependency.src.outputs.items }`, "src-count")

	plans, r := h.planApply("src-ok", "use-ok", "src-known", "use-known", "after-known", "src-count", "use-count")
	if r.code == 0 {
		t.Fatalf("apply succeeded although two re-plans differ: %s", r)
	}
	if !strings.Contains(r.stdout, "equivalent to the reviewed plan") {
		t.Errorf("use-ok was not applied as equivalent: %s", r)
	}
	ok := verdict(t, plans, "use-ok")
	if !ok.Equivalent || !ok.Applied || h.state("eu-central-1/probe/use-ok") == nil {
		t.Errorf("use-ok: verdict %+v, state %v", ok, h.state("eu-central-1/probe/use-ok"))
	}
	known := verdict(t, plans, "use-known")
	if known.Equivalent || known.Applied || !strings.Contains(strings.Join(known.Reasons, "\n"), `reviewed "MOCK-VALUE", re-planned "REAL-KNOWN"`) {
		t.Errorf("use-known verdict: %+v", known)
	}
	if h.state("eu-central-1/probe/use-known") != nil {
		t.Error("use-known was applied although its re-plan changed a known value")
	}
	if !strings.Contains(r.stdout, "after-known") || h.state("eu-central-1/probe/after-known") != nil {
		t.Errorf("the dependent of a stopped unit was not skipped: %s", r)
	}
	count := verdict(t, plans, "use-count")
	if count.Equivalent || !strings.Contains(strings.Join(count.Reasons, "\n"), "+ terraform_data.thing[2]: new in the re-plan") {
		t.Errorf("use-count verdict: %+v", count)
	}
	if h.state("eu-central-1/probe/use-count") != nil {
		t.Error("use-count was applied although its count changed")
	}
	diff, err := os.ReadFile(filepath.Join(artifact.UnitDir(filepath.Join(plans, apply.ReplansDir), "eu-central-1/probe/use-count"), apply.DiffFile))
	if err != nil || !strings.Contains(string(diff), "NOT equivalent") {
		t.Errorf("diff of use-count: %v\n%s", err, diff)
	}
}

// TestReplanDestroyStops: a re-plan that replaces a resource the reviewed plan only
// updated stops the unit.
func TestReplanDestroyStops(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.write("modules/probe/main.tf", probeModule)
	h.probeUnit("src-a", `{ value = "v1", items = ["a", "b"] }`, "")
	h.probeUnit("use", `{ value = dependency.src.outputs.value, trigger = dependency.src.outputs.items }`, "src-a")
	if _, r := h.planApply("src-a", "use"); r.code != 0 {
		t.Fatalf("first deployment: %s", r)
	}
	// A new dependency with no state yet: use is planned on its mocks (the same trigger
	// as now, a new value: an update), the real trigger differs (a replace).
	h.probeUnit("src-b", `{ value = "v2", items = ["c"] }`, "")
	h.probeUnit("use", `{ value = dependency.src.outputs.value, trigger = dependency.src.outputs.items }`, "src-b")
	before := h.state("eu-central-1/probe/use")
	plans, r := h.planApply("src-b", "use")
	if r.code == 0 {
		t.Fatalf("a replace the review did not see was applied: %s", r)
	}
	v := verdict(t, plans, "use")
	if v.Equivalent || !strings.Contains(strings.Join(v.Reasons, "\n"), "reviewed as update, re-planned as") ||
		!strings.Contains(strings.Join(v.Reasons, "\n"), "a destroy the review did not see") {
		t.Errorf("verdict: %+v", v)
	}
	if after := h.state("eu-central-1/probe/use"); after.Serial != before.Serial {
		t.Errorf("state serial moved %d -> %d", before.Serial, after.Serial)
	}
}
