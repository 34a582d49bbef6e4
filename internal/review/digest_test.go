package review

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

// writePlan writes a unit's plan folder the way olechka plan does: files first,
// metadata last (which records the digests).
func writePlan(t *testing.T, plans, unit, tfplan string) {
	t.Helper()
	dir, err := artifact.NewUnitDir(plans, unit)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{artifact.PlanFile: tfplan, artifact.PlanJSONFile: `{"unit":"` + unit + `"}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := artifact.WriteSummary(dir, changes(1, 0)); err != nil {
		t.Fatal(err)
	}
	m := &artifact.Metadata{Unit: unit, Action: artifact.ActionPlan, Status: artifact.StatusPlanned, HasChanges: true, Env: "dev", Tier: "dev",
		State: artifact.StateRef{Exists: true, Lineage: "lin-" + unit, Serial: 7}}
	if err := artifact.WriteMetadata(dir, m); err != nil {
		t.Fatal(err)
	}
}

func decideDir(t *testing.T, plans string) map[string]Decision {
	t.Helper()
	ps, err := artifact.ReadDir(plans)
	if err != nil {
		t.Fatal(err)
	}
	var us []Unit
	for _, p := range ps {
		us = append(us, Unit{Path: p.Metadata.Unit, Env: "dev", Tier: "dev", Approval: ApprovalAuto, Plan: p})
	}
	return byUnit(Decide(us, DefaultPolicy()))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReviewRecordsDigests: an intact plan folder gets its digests and planned state
// into the decision (review.json), for apply to check against.
func TestReviewRecordsDigests(t *testing.T) {
	plans := t.TempDir()
	writePlan(t, plans, "dev/a", "plan-a: ~1 change")
	d := decideDir(t, plans)["dev/a"]
	if d.Gate != Auto || d.Reviewed == nil {
		t.Fatalf("decision %+v: want auto with a reviewed record", d)
	}
	for _, f := range []string{artifact.PlanFile, artifact.PlanJSONFile, artifact.MetadataFile, artifact.SummaryFile} {
		if !strings.HasPrefix(d.Reviewed.Digests[f], "sha256:") {
			t.Errorf("review.json lacks the digest of %s: %v", f, d.Reviewed.Digests)
		}
	}
	if d.Reviewed.State.Lineage != "lin-dev/a" || d.Reviewed.State.Serial != 7 {
		t.Errorf("reviewed state = %+v", d.Reviewed.State)
	}
}

// TestReviewBlocksSwappedPlans replays the attacks on plan artifacts: a destroy plan
// copied over a reviewed plan, and unit B's plan put into unit A's folder (what
// merge-multiple let one plan job do to another's files).
func TestReviewBlocksSwappedPlans(t *testing.T) {
	t.Run("tfplan overwritten", func(t *testing.T) {
		plans := t.TempDir()
		writePlan(t, plans, "dev/a", "plan-a: ~1 change")
		if err := os.WriteFile(filepath.Join(artifact.UnitDir(plans, "dev/a"), artifact.PlanFile), []byte("destroy everything"), 0o644); err != nil {
			t.Fatal(err)
		}
		d := decideDir(t, plans)["dev/a"]
		if d.Gate != Blocked || d.Reviewed != nil || !strings.Contains(strings.Join(d.Reasons, " "), "tfplan: digest") {
			t.Errorf("decision %+v: want blocked naming tfplan", d)
		}
	})
	t.Run("B's plan under A's path", func(t *testing.T) {
		plans := t.TempDir()
		writePlan(t, plans, "dev/a", "plan-a")
		writePlan(t, plans, "dev/b", "plan-b")
		for _, f := range []string{artifact.PlanFile, artifact.PlanJSONFile, artifact.MetadataFile, artifact.SummaryFile, artifact.DigestsFile} {
			copyFile(t, filepath.Join(artifact.UnitDir(plans, "dev/b"), f), filepath.Join(artifact.UnitDir(plans, "dev/a"), f))
		}
		ps, err := artifact.ReadDir(plans)
		if err != nil {
			t.Fatal(err)
		}
		var blocked bool
		for _, p := range ps {
			problems, _, err := p.Check()
			if err != nil {
				t.Fatal(err)
			}
			if p.Path == "dev/a" {
				blocked = len(problems) == 1 && strings.Contains(problems[0], "the plan under units/dev/a is a plan for unit dev/b")
				if !blocked {
					t.Errorf("problems of the folder dev/a: %q", problems)
				}
			}
		}
		us := []Unit{}
		for _, p := range ps {
			us = append(us, Unit{Path: p.Metadata.Unit, Env: "dev", Tier: "dev", Approval: ApprovalAuto, Plan: p})
		}
		var sawBlocked bool
		for _, d := range Decide(us, DefaultPolicy()) {
			if d.Gate == Blocked && strings.Contains(strings.Join(d.Reasons, " "), "is a plan for unit dev/b") {
				sawBlocked = true
			}
		}
		if !sawBlocked {
			t.Error("review did not block the plan found under another unit's path")
		}
	})
	t.Run("digests rewritten to match", func(t *testing.T) {
		// A plan job that rewrites its own digests after tampering gets past the
		// record, but what review saw is what apply gets: the record follows the files.
		plans := t.TempDir()
		writePlan(t, plans, "dev/a", "plan-a")
		dir := artifact.UnitDir(plans, "dev/a")
		if err := os.WriteFile(filepath.Join(dir, artifact.PlanFile), []byte("other"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := artifact.WriteDigests(dir, "dev/a"); err != nil {
			t.Fatal(err)
		}
		d := decideDir(t, plans)["dev/a"]
		now, _ := artifact.ComputeDigests(dir, "dev/a")
		if d.Reviewed == nil || d.Reviewed.Digests[artifact.PlanFile] != now.Files[artifact.PlanFile] {
			t.Errorf("review.json must hold the digests of the files review read: %+v", d.Reviewed)
		}
	})
}
