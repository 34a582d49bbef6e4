package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	pt "github.com/terragrunt-olechka/olechka/internal/artifact/artifacttest"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// fakeStages plans and applies by writing artifacts, the way olechka plan and apply do.
type fakeStages struct {
	t          *testing.T
	validateOK bool
	planned    [][]string
	applied    [][]string
	// refuseFirst units are refused by their first apply (planned with mocks of a
	// dependency created in the same run).
	refuseFirst map[string]bool
}

var fakeUnits = map[string]pt.Unit{
	"dev/eu/app":        {Path: "dev/eu/app", Env: "dev", Tier: "dev", AccountID: "111", Resources: []artifact.ResourceChange{pt.Create("terraform_data.x")}},
	"dev/eu/old":        {Path: "dev/eu/old", Env: "dev", Tier: "dev", AccountID: "111", Destroy: true, Resources: []artifact.ResourceChange{pt.Delete("terraform_data.y", false)}},
	"production/eu/app": {Path: "production/eu/app", Env: "production", Tier: "production", AccountID: "333", Resources: []artifact.ResourceChange{pt.Create("terraform_data.x")}},
	"staging/eu/app":    {Path: "staging/eu/app", Env: "staging", Tier: "staging", AccountID: "222", Wave: 1},
}

func (f *fakeStages) Detect(ctx context.Context, root string) (*detect.Result, error) {
	return &detect.Result{Base: "b", Head: "h", Units: []detect.Affected{
		{Path: "dev/eu/app", Action: "plan", Reasons: []string{"unit added"}},
		{Path: "dev/eu/old", Action: "destroy", Reasons: []string{"unit removed"}},
		{Path: "production/eu/app", Action: "plan", Reasons: []string{"unit added"}},
		{Path: "staging/eu/app", Action: "plan", Wave: 1, Reasons: []string{"unit added"}},
	}}, nil
}

func (f *fakeStages) Validate(ctx context.Context, root, report string) (bool, error) {
	return f.validateOK, os.WriteFile(report, []byte(`{"findings":[{"check":"lint","rule":"x","level":"warning","message":"w"}]}`), 0o644)
}

func (f *fakeStages) Plan(ctx context.Context, root, out string, units, destroy []string) error {
	f.planned = append(f.planned, append(append([]string(nil), units...), destroy...))
	var us []pt.Unit
	for _, u := range append(units, destroy...) {
		us = append(us, fakeUnits[u])
	}
	pt.Write(f.t, out, "h", us...)
	return nil
}

func (f *fakeStages) Apply(ctx context.Context, root, plans string, units []string) error {
	f.applied = append(f.applied, units)
	var refused error
	for _, u := range units {
		status := artifact.Applied
		if f.refuseFirst[u] {
			delete(f.refuseFirst, u)
			status, refused = artifact.Refused, errors.New("exit 3")
		}
		if err := artifact.WriteApplyResult(artifact.UnitDir(plans, u), &artifact.ApplyResult{Unit: u, Status: status}); err != nil {
			return err
		}
	}
	return refused
}

type fakeApprover struct{ asked, approve []string }

func (a *fakeApprover) Approve(ctx context.Context, g review.ApplyGroup, ds []review.Decision) (bool, error) {
	a.asked = append(a.asked, g.Env+"@"+g.Environment)
	for _, e := range a.approve {
		if e == g.Env {
			return true, nil
		}
	}
	return false, nil
}

type fakeNotifier struct{ reports []notify.Report }

func (n *fakeNotifier) Notify(ctx context.Context, r notify.Report) error {
	n.reports = append(n.reports, r)
	return nil
}

func TestRunAllStages(t *testing.T) {
	st := &fakeStages{t: t, validateOK: true}
	ap := &fakeApprover{approve: []string{"dev"}}
	nt := &fakeNotifier{}
	var log bytes.Buffer
	dir := t.TempDir()
	out, err := Run(context.Background(), Options{Root: "tree", Out: dir, Stages: st, Approver: ap, Notifier: nt, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(st.planned, [][]string{{"dev/eu/app", "production/eu/app", "staging/eu/app", "dev/eu/old"}}) {
		t.Errorf("planned %v", st.planned)
	}
	// dev needs approval (a removed unit) and gets it; production (manual tier) is
	// declined; staging has no changes: nothing to apply.
	if !reflect.DeepEqual(ap.asked, []string{"dev@dev-approval", "production@production"}) {
		t.Errorf("approvals asked: %v", ap.asked)
	}
	if !reflect.DeepEqual(st.applied, [][]string{{"dev/eu/app", "dev/eu/old"}}) {
		t.Errorf("applied %v", st.applied)
	}
	if len(nt.reports) != 2 || nt.reports[0].Stage != notify.StagePlan || nt.reports[1].Stage != notify.StageApply {
		t.Fatalf("reports: %+v", nt.reports)
	}
	got := map[string]notify.Status{}
	for _, u := range out.Report.Units {
		got[u.Path] = u.Status
	}
	want := map[string]notify.Status{"dev/eu/app": notify.Applied, "dev/eu/old": notify.Applied, "production/eu/app": notify.Pending, "staging/eu/app": notify.NoChanges}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	for _, f := range []string{"detect.json", "validate.json", "review.json", "comment.md", "plans/run.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s missing: %v", f, err)
		}
	}
	sum := out.Summary()
	if !strings.Contains(sum, "PR comment: "+filepath.Join(dir, "comment.md")) || !strings.Contains(sum, "artifacts:  "+dir) {
		t.Errorf("summary:\n%s", sum)
	}
	for _, s := range []string{"== 1/6 detect", "== 2/6 validate", "== 3/6 plan", "== 4/6 review", "== 5/6 apply", "== 6/6 notify", "production: not approved"} {
		if !strings.Contains(log.String(), s) {
			t.Errorf("log lacks %q:\n%s", s, log.String())
		}
	}
}

func TestRunStopsBeforeApplyWhenValidationFails(t *testing.T) {
	st := &fakeStages{t: t, validateOK: false}
	ap := &fakeApprover{approve: []string{"dev", "production"}}
	var log bytes.Buffer
	out, err := Run(context.Background(), Options{Root: "tree", Out: t.TempDir(), Stages: st, Approver: ap, Notifier: &fakeNotifier{}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.applied) != 0 || len(ap.asked) != 0 {
		t.Errorf("applied %v after a failed validation (asked %v)", st.applied, ap.asked)
	}
	if !out.Failed() || !strings.Contains(log.String(), "validation failed: nothing is applied") {
		t.Errorf("failed=%v log:\n%s", out.Failed(), log.String())
	}
}

func TestRunPlansAgainWhatWasRefused(t *testing.T) {
	st := &fakeStages{t: t, validateOK: true, refuseFirst: map[string]bool{"production/eu/app": true}}
	ap := &fakeApprover{approve: []string{"dev", "production"}}
	var log bytes.Buffer
	dir := t.TempDir()
	out, err := Run(context.Background(), Options{Root: "tree", Out: dir, Stages: st, Approver: ap, Notifier: &fakeNotifier{}, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.planned) != 2 || !reflect.DeepEqual(st.planned[1], []string{"production/eu/app"}) {
		t.Fatalf("planned %v: the refused unit must be planned again", st.planned)
	}
	if len(st.applied) != 3 || !reflect.DeepEqual(st.applied[2], []string{"production/eu/app"}) {
		t.Errorf("applied %v", st.applied)
	}
	// The new plan was reviewed (and approved) again before its apply.
	if !reflect.DeepEqual(ap.asked, []string{"dev@dev-approval", "production@production", "production@production"}) {
		t.Errorf("asked %v", ap.asked)
	}
	if out.Failed() || out.Report.Tally()[notify.Applied] != 3 {
		t.Errorf("failed=%v report %+v\n%s", out.Failed(), out.Report.Tally(), log.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "plans-round-2", "units", "production", "eu", "app", "apply.json")); err != nil {
		t.Errorf("round 2's plans: %v", err)
	}
}
