package apply

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// writeUnitPlan writes a unit's plan folder as olechka plan does (metadata last, which
// seals the digests).
func writeUnitPlan(t *testing.T, plans, unit, tfplan string, serial uint64) {
	t.Helper()
	dir, err := artifact.NewUnitDir(plans, unit)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{artifact.PlanFile: tfplan, artifact.PlanJSONFile: `{"planned":"` + tfplan + `"}`, artifact.LockFile: "# locks\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := &artifact.Metadata{Unit: unit, Action: artifact.ActionPlan, Status: artifact.StatusPlanned, HasChanges: true, Commit: "c0ffee",
		State: artifact.StateRef{Exists: true, Lineage: "lineage-" + unit, Serial: serial}}
	if err := artifact.WriteMetadata(dir, m); err != nil {
		t.Fatal(err)
	}
}

// reviewPlans runs the review over the folder and writes review.json the way
// olechka review --out does.
func reviewPlans(t *testing.T, plans string) string {
	t.Helper()
	ps, err := artifact.ReadDir(plans)
	if err != nil {
		t.Fatal(err)
	}
	var us []review.Unit
	for _, p := range ps {
		us = append(us, review.Unit{Path: p.Metadata.Unit, Env: "dev", Tier: "dev", Approval: review.ApprovalAuto, Plan: p})
	}
	b, err := json.Marshal(map[string]any{"decisions": review.Decide(us, review.DefaultPolicy())})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "review.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// verifyUnit runs apply's check on one unit's plan as the job loop does, returning
// the refusal (nil when it would apply).
func verifyUnit(t *testing.T, plans, reviewFile, folder string) *NotReviewedError {
	t.Helper()
	ps, err := artifact.ReadDir(plans)
	if err != nil {
		t.Fatal(err)
	}
	r := &run{opts: Options{Plans: plans, Review: reviewFile}}
	for _, p := range ps {
		if p.Path != folder {
			continue
		}
		err := r.verify(p)
		if err == nil {
			return nil
		}
		var nr *NotReviewedError
		if !errors.As(err, &nr) {
			t.Fatalf("verify: %v (%T), want a NotReviewedError", err, err)
		}
		res := &UnitResult{}
		if !refused(err, res) || res.Status != StatusRefused {
			t.Errorf("the job loop would record %q, want refused", res.Status)
		}
		return nr
	}
	t.Fatalf("no plan under %s", folder)
	return nil
}

func wantReasons(t *testing.T, nr *NotReviewedError, want ...string) {
	t.Helper()
	if nr == nil {
		t.Fatalf("applied; want a refusal naming %q", want)
	}
	all := strings.Join(nr.Reasons, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("refusal does not name %q:\n%s", w, nr)
		}
	}
}

func TestVerifyAppliesTheReviewedPlan(t *testing.T) {
	plans := t.TempDir()
	writeUnitPlan(t, plans, "dev/a", "update a: ~1", 3)
	rev := reviewPlans(t, plans)
	if nr := verifyUnit(t, plans, rev, "dev/a"); nr != nil {
		t.Fatalf("the reviewed plan was refused: %v", nr)
	}
	if nr := verifyUnit(t, plans, "", "dev/a"); nr != nil {
		t.Fatalf("without --review, the intact plan was refused: %v", nr)
	}
}

// TestVerifyRefusesSwappedPlans replays the audit's attacks and faults on the plans
// apply receives; each must be refused before anything runs, naming what differs.
func TestVerifyRefusesSwappedPlans(t *testing.T) {
	t.Run("destroy tfplan copied over the reviewed plan", func(t *testing.T) {
		plans := t.TempDir()
		writeUnitPlan(t, plans, "dev/a", "update a: ~1", 3)
		rev := reviewPlans(t, plans)
		dir := artifact.UnitDir(plans, "dev/a")
		if err := os.WriteFile(filepath.Join(dir, artifact.PlanFile), []byte("destroy a: -12"), 0o644); err != nil {
			t.Fatal(err)
		}
		wantReasons(t, verifyUnit(t, plans, rev, "dev/a"), "changed since planned: tfplan", "differs from the reviewed plan: tfplan")
		// Without the review, the plan-time digests still catch it.
		wantReasons(t, verifyUnit(t, plans, "", "dev/a"), "changed since planned: tfplan")
	})
	t.Run("tampered and re-sealed after review", func(t *testing.T) {
		plans := t.TempDir()
		writeUnitPlan(t, plans, "dev/a", "update a: ~1", 3)
		rev := reviewPlans(t, plans)
		dir := artifact.UnitDir(plans, "dev/a")
		if err := os.WriteFile(filepath.Join(dir, artifact.PlanFile), []byte("destroy a: -12"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := artifact.WriteDigests(dir, "dev/a"); err != nil {
			t.Fatal(err)
		}
		nr := verifyUnit(t, plans, rev, "dev/a")
		wantReasons(t, nr, "differs from the reviewed plan: tfplan")
		if strings.Contains(strings.Join(nr.Reasons, " "), "changed since planned") {
			t.Errorf("the re-sealed folder is self-consistent; only the review catches it: %v", nr)
		}
	})
	t.Run("unit B's plan under unit A's path", func(t *testing.T) {
		plans := t.TempDir()
		writeUnitPlan(t, plans, "dev/a", "update a", 3)
		writeUnitPlan(t, plans, "dev/b", "update b", 5)
		rev := reviewPlans(t, plans)
		a, b := artifact.UnitDir(plans, "dev/a"), artifact.UnitDir(plans, "dev/b")
		for _, f := range []string{artifact.PlanFile, artifact.PlanJSONFile, artifact.MetadataFile, artifact.DigestsFile, artifact.LockFile} {
			data, err := os.ReadFile(filepath.Join(b, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(a, f), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		wantReasons(t, verifyUnit(t, plans, rev, "dev/a"), "the plan under units/dev/a is a plan for unit dev/b")
		wantReasons(t, verifyUnit(t, plans, "", "dev/a"), "the plan under units/dev/a is a plan for unit dev/b")
	})
	t.Run("planned against another state", func(t *testing.T) {
		plans := t.TempDir()
		writeUnitPlan(t, plans, "dev/a", "update a", 3)
		rev := reviewPlans(t, plans)
		writeUnitPlan(t, plans, "dev/a", "update a", 9) // a later plan, never reviewed
		wantReasons(t, verifyUnit(t, plans, rev, "dev/a"), "state: the reviewed plan was made against lineage lineage-dev/a serial 3, this one against lineage lineage-dev/a serial 9",
			"differs from the reviewed plan: metadata.json")
	})
	t.Run("not reviewed", func(t *testing.T) {
		plans := t.TempDir()
		writeUnitPlan(t, plans, "dev/a", "update a", 3)
		rev := reviewPlans(t, plans)
		writeUnitPlan(t, plans, "dev/c", "update c", 1)
		wantReasons(t, verifyUnit(t, plans, rev, "dev/c"), "has no decision for dev/c: it was not reviewed")
	})
	t.Run("blocked by review", func(t *testing.T) {
		plans := t.TempDir()
		writeUnitPlan(t, plans, "dev/a", "update a", 3)
		if err := os.Remove(filepath.Join(artifact.UnitDir(plans, "dev/a"), artifact.DigestsFile)); err != nil {
			t.Fatal(err)
		}
		rev := reviewPlans(t, plans)
		wantReasons(t, verifyUnit(t, plans, rev, "dev/a"), "review blocked it", "no digests were recorded at plan time")
	})
}
