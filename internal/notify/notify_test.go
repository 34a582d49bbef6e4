package notify

import (
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestRunFromEnvPullRequest(t *testing.T) {
	r := RunFromEnv(env(map[string]string{
		"GITHUB_SERVER_URL": "https://github.example.com/", "GITHUB_REPOSITORY": "acme/infra",
		"GITHUB_RUN_ID": "99", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_SHA": "merge0000000",
		"GITHUB_REF": "refs/pull/31/merge", "OLECHKA_HEAD_SHA": "head1111111111",
	}))
	if r.PR != 31 {
		t.Errorf("PR = %d, want 31", r.PR)
	}
	if got, want := r.RunURL(), "https://github.example.com/acme/infra/actions/runs/99"; got != want {
		t.Errorf("RunURL = %q, want %q", got, want)
	}
	if got, want := r.PRURL(), "https://github.example.com/acme/infra/pull/31"; got != want {
		t.Errorf("PRURL = %q, want %q", got, want)
	}
	if r.SHA != "head1111111111" || r.ShortSHA() != "head111" {
		t.Errorf("SHA = %q short %q: OLECHKA_HEAD_SHA must win over the merge commit", r.SHA, r.ShortSHA())
	}
}

func TestRunFromEnvLocal(t *testing.T) {
	r := RunFromEnv(env(nil))
	if r.RunURL() != "" || r.PRURL() != "" || r.CommitURL() != "" {
		t.Errorf("a local run has no links: %+v", r)
	}
	r = RunFromEnv(env(map[string]string{"GITHUB_REPOSITORY": "a/b", "GITHUB_REF": "refs/heads/main", "OLECHKA_PR_NUMBER": "5", "GITHUB_SHA": "abc"}))
	if r.PR != 5 || r.CommitURL() != "https://github.com/a/b/commit/abc" {
		t.Errorf("run = %+v", r)
	}
}

func TestReportWorst(t *testing.T) {
	r := Report{Units: []UnitResult{{Status: Applied}, {Status: Pending}, {Status: NoChanges}}}
	if r.Worst() != Pending || r.Worst().Bad() {
		t.Errorf("worst = %s", r.Worst())
	}
	r.Units = append(r.Units, UnitResult{Status: Skipped})
	if r.Worst() != Skipped || !r.Worst().Bad() {
		t.Errorf("worst = %s", r.Worst())
	}
	if (Report{}).Worst() != NoChanges {
		t.Error("an empty report is fine")
	}
	if got := (artifact.Counts{Add: 1, Destroy: 2, Replace: 1}).String(); got != "+1 ~0 -2 ±1" {
		t.Errorf("Counts = %q", got)
	}
}
