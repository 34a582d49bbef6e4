package plan_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/plan/faketofu"
)

func TestRunWithFakeTofu(t *testing.T) {
	type want struct {
		status     string
		changes    bool
		mocked     bool   // b's plan used a's mock output
		errHas     string // in the unit's error
		skippedFor string // metadata.SkippedBecause
	}
	cases := []struct {
		name  string
		setup func(ft *faketofu.Tool)
		a, b  want
	}{
		{
			name: "fresh tree: both planned, b on a's mocks",
			a:    want{status: artifact.StatusPlanned, changes: true},
			b:    want{status: artifact.StatusPlanned, changes: true, mocked: true},
		},
		{
			name: "a applied before: no changes, b on its real output",
			setup: func(ft *faketofu.Tool) {
				ft.Unit("a").Outputs = map[string]string{"id": "real-id"}
				ft.SetState("a", 4, `{"name":"a"}`)
			},
			a: want{status: artifact.StatusPlanned},
			b: want{status: artifact.StatusPlanned, changes: true},
		},
		{
			name:  "tofu plan fails: dependent skipped",
			setup: func(ft *faketofu.Tool) { ft.Unit("a").FailAt = "plan" },
			a:     want{status: artifact.StatusFailed, errHas: "fake failure"},
			b:     want{status: artifact.StatusSkipped, skippedFor: "a"},
		},
		{
			name:  "state read fails",
			setup: func(ft *faketofu.Tool) { ft.Unit("a").FailAt = "state" },
			a:     want{status: artifact.StatusFailed, errHas: "a: state"},
			b:     want{status: artifact.StatusSkipped, skippedFor: "a"},
		},
		{
			name:  "dependent fails alone",
			setup: func(ft *faketofu.Tool) { ft.Unit("b").FailAt = "init" },
			a:     want{status: artifact.StatusPlanned, changes: true},
			b:     want{status: artifact.StatusFailed, errHas: "b: init"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := faketofu.Chain(t)
			env, ft := faketofu.Env(t, root)
			if tc.setup != nil {
				tc.setup(ft)
			}
			out := t.TempDir()
			res, err := plan.Run(context.Background(), env, plan.Options{Out: out, Parallelism: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Units) != 2 || res.Units[0].Unit != "a" || res.Units[1].Unit != "b" {
				t.Fatalf("units: %+v", res.Units)
			}
			if got := res.Run.Waves; len(got) != 2 || got[0][0] != "a" || got[1][0] != "b" {
				t.Errorf("waves: %v", got)
			}
			for i, w := range []want{tc.a, tc.b} {
				u := res.Units[i]
				checkUnit(t, out, u, w.status, w.changes, w.mocked, w.errHas, w.skippedFor)
			}
			calls := ft.Calls()
			if ia, ib := slices.Index(calls, "a plan"), slices.Index(calls, "b plan"); ia >= 0 && ib >= 0 && ia > ib {
				t.Errorf("b planned before a: %v", calls)
			}
		})
	}
}

func checkUnit(t *testing.T, out string, u plan.UnitResult, status string, changes, mocked bool, errHas, skippedFor string) {
	t.Helper()
	if u.Status != status {
		t.Errorf("%s: status %s (err %v), want %s", u.Unit, u.Status, u.Err, status)
	}
	if u.HasChanges != changes {
		t.Errorf("%s: has changes %v, want %v", u.Unit, u.HasChanges, changes)
	}
	if errHas != "" && (u.Err == nil || !strings.Contains(u.Err.Error(), errHas)) {
		t.Errorf("%s: error %v, want it to name %q", u.Unit, u.Err, errHas)
	}
	p, err := artifact.Read(artifact.UnitDir(out, u.Unit))
	if err != nil {
		t.Fatalf("%s: %v", u.Unit, err)
	}
	m := p.Metadata
	if m.Status != status || m.Commit != "c0ffee" || m.Tools.Binary != "tofu" {
		t.Errorf("%s: metadata %+v", u.Unit, m)
	}
	if m.SkippedBecause != skippedFor {
		t.Errorf("%s: skipped because %q, want %q", u.Unit, m.SkippedBecause, skippedFor)
	}
	if status != artifact.StatusPlanned {
		return
	}
	if got := len(m.Mocks()) > 0; got != mocked {
		t.Errorf("%s: mocks %v, want mocked %v", u.Unit, m.Mocks(), mocked)
	}
	if p.Summary == nil || p.Summary.HasChanges != changes {
		t.Errorf("%s: summary %+v", u.Unit, p.Summary)
	}
	if _, err := os.Stat(p.File(artifact.PlanFile)); err != nil {
		t.Errorf("%s: no binary plan: %v", u.Unit, err)
	}
}

func TestRunRefusesUnknownUnit(t *testing.T) {
	env, _ := faketofu.Env(t, faketofu.Chain(t))
	_, err := plan.Run(context.Background(), env, plan.Options{Out: t.TempDir(), Units: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), "nope is not a unit") {
		t.Fatalf("err = %v", err)
	}
}
