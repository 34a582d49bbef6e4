package apply_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/apply"
	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/plan/faketofu"
)

// TestRunWithFakeTofu plans the chain a <- b with a fake OpenTofu, changes what the test
// case says between plan and apply, applies, and checks each unit's outcome and record.
func TestRunWithFakeTofu(t *testing.T) {
	type want struct {
		status artifact.ApplyStatus
		reason string // in Reason (or Err for failures)
	}
	cases := []struct {
		name         string
		beforePlan   func(ft *faketofu.Tool)
		beforeApply  func(ft *faketofu.Tool)
		replanStale  bool
		a, b         want
		verdict      string // replans/units/b/verdict.json: "equivalent", "different" or "" (none)
		appliedCalls int    // "apply" steps run
	}{
		{
			name:         "both applied",
			a:            want{status: apply.StatusApplied},
			b:            want{status: apply.StatusApplied},
			appliedCalls: 2,
		},
		{
			name:         "b planned on a's mock, re-planned on its real output: equivalent, applied",
			beforePlan:   func(ft *faketofu.Tool) { ft.Unit("a").Outputs = map[string]string{"id": "real-id"} },
			a:            want{status: apply.StatusApplied},
			b:            want{status: apply.StatusApplied, reason: "re-planned with the real ones: equivalent"},
			verdict:      "equivalent",
			appliedCalls: 2,
		},
		{
			name:       "b's re-plan on real outputs adds a resource: stopped for review",
			beforePlan: func(ft *faketofu.Tool) { ft.Unit("a").Outputs = map[string]string{"id": "real-id"} },
			beforeApply: func(ft *faketofu.Tool) {
				ft.Unit("b").Extra = []string{"extra"}
			},
			a:            want{status: apply.StatusApplied},
			b:            want{status: apply.StatusReplanned, reason: "differs from the reviewed plan"},
			verdict:      "different",
			appliedCalls: 1,
		},
		{
			name:         "tofu apply fails: dependent skipped",
			beforeApply:  func(ft *faketofu.Tool) { ft.Unit("a").FailAt = "apply" },
			a:            want{status: apply.StatusFailed, reason: "fake failure"},
			b:            want{status: apply.StatusSkipped, reason: "dependency a was failed"},
			appliedCalls: 1,
		},
		{
			name:        "state lock held: failed with the unlock command",
			beforeApply: func(ft *faketofu.Tool) { ft.Unit("a").LockHeld = true },
			a:           want{status: apply.StatusFailed, reason: "state is locked by someone@elsewhere"},
			b:           want{status: apply.StatusSkipped, reason: "dependency a was failed"},
			// The fake counts the attempt.
			appliedCalls: 1,
		},
		{
			name:        "state changed since the plan: refused",
			beforeApply: func(ft *faketofu.Tool) { ft.SetState("a", 7, `{"name":"a"}`) },
			a:           want{status: apply.StatusRefused, reason: "the unit's state changed since the plan"},
			b:           want{status: apply.StatusSkipped, reason: "dependency a was refused"},
		},
		{
			name:        "state changed, --replan-stale: re-planned for review",
			beforeApply: func(ft *faketofu.Tool) { ft.SetState("a", 7, `{"name":"old"}`) },
			replanStale: true,
			a:           want{status: apply.StatusReplanned, reason: "re-planned for review"},
			b:           want{status: apply.StatusSkipped, reason: "dependency a was replanned"},
		},
		{
			name:        "state changed to what the plan would do: re-planned, no changes",
			beforeApply: func(ft *faketofu.Tool) { ft.SetState("a", 7, `{"name":"a"}`) },
			replanStale: true,
			a:           want{status: apply.StatusUnchanged, reason: "re-planned: no changes"},
			b:           want{status: apply.StatusApplied},
			// b's plan used a's mocks (a had no outputs), so a's real (empty) outputs
			// leave b's configuration as planned.
			appliedCalls: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env, ft := faketofu.Env(t, faketofu.Chain(t))
			if tc.beforePlan != nil {
				tc.beforePlan(ft)
			}
			plans := t.TempDir()
			pr, err := plan.Run(context.Background(), env, plan.Options{Out: plans})
			if err != nil || pr.Failed() != 0 {
				t.Fatalf("plan: %v %+v", err, pr)
			}
			if tc.beforeApply != nil {
				tc.beforeApply(ft)
			}
			res, err := apply.Run(context.Background(), env, apply.Options{Plans: plans, ReplanStale: tc.replanStale})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Units) != 2 {
				t.Fatalf("units: %+v", res.Units)
			}
			for i, w := range []want{tc.a, tc.b} {
				checkApplied(t, plans, res.Units[i], w.status, w.reason)
			}
			n := 0
			for _, c := range ft.Calls() {
				if strings.HasSuffix(c, " apply") {
					n++
				}
			}
			if n != tc.appliedCalls {
				t.Errorf("%d apply steps, want %d: %v", n, tc.appliedCalls, ft.Calls())
			}
			checkVerdict(t, plans, tc.verdict)
		})
	}
}

func checkApplied(t *testing.T, plans string, u apply.UnitResult, status artifact.ApplyStatus, reason string) {
	t.Helper()
	text := u.Reason
	if u.Err != nil {
		text += " " + u.Err.Error()
	}
	if u.Status != status || !strings.Contains(text, reason) {
		t.Errorf("%s: %s (%s), want %s (%q)", u.Unit, u.Status, text, status, reason)
	}
	if status == apply.StatusFailed && strings.Contains(reason, "locked") &&
		(!strings.Contains(text, "--lock-timeout") || !strings.Contains(text, "olechka unlock")) {
		t.Errorf("%s: the lock message names neither the timeout nor the unlock command: %s", u.Unit, text)
	}
	p, err := artifact.Read(artifact.UnitDir(plans, u.Unit))
	if err != nil {
		t.Fatal(err)
	}
	if p.Applied == nil || p.Applied.Status != status {
		t.Errorf("%s: apply.json %+v, want status %s", u.Unit, p.Applied, status)
	}
	if status == apply.StatusApplied && !p.Applied.StateAfter.Exists {
		t.Errorf("%s: applied, but apply.json records no state after", u.Unit)
	}
}

func checkVerdict(t *testing.T, plans, want string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(artifact.UnitDir(filepath.Join(plans, apply.ReplansDir), "b"), apply.VerdictFile))
	switch {
	case want == "" && err == nil:
		t.Errorf("a verdict where none was expected: %s", b)
	case want == "":
	case err != nil:
		t.Errorf("no verdict: %v", err)
	case want == "equivalent" && !strings.Contains(string(b), `"equivalent": true`),
		want == "different" && !strings.Contains(string(b), `"equivalent": false`):
		t.Errorf("verdict %s, want %s", b, want)
	}
}
