package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/plan/faketofu"
)

// fakeTree writes a two-unit tree: b depends on a, with a mock for a's output id.
func fakeTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"modules/m/main.tf": `variable "name" {}` + "\n" + `variable "a_id" { default = "" }` + "\n",
		"a/terragrunt.hcl": `terraform { source = "../modules/m" }
inputs = { name = "a" }
`,
		"b/terragrunt.hcl": `terraform { source = "../modules/m" }
dependency "a" {
  config_path  = "../a"
  mock_outputs = { id = "mock-id-of-a" }
}
inputs = { name = "b", a_id = dependency.a.outputs.id }
`,
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// FakeEnv is the Env plan and apply tests share: the tree, a fake OpenTofu, a pinned clock.
func fakeEnv(t *testing.T, root string) (*plan.Env, *faketofu.Tool) {
	t.Helper()
	ft := faketofu.New(root, t.TempDir())
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &plan.Env{
		Root:   root,
		Exec:   ft,
		Getenv: func(string) (string, bool) { return "", false },
		Commit: "c0ffee",
		Now:    func() time.Time { return now },
	}, ft
}

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
			root := fakeTree(t)
			env, ft := fakeEnv(t, root)
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
	env, _ := fakeEnv(t, fakeTree(t))
	_, err := plan.Run(context.Background(), env, plan.Options{Out: t.TempDir(), Units: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), "nope is not a unit") {
		t.Fatalf("err = %v", err)
	}
}
