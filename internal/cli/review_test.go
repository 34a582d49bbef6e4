package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	pt "github.com/terragrunt-olechka/olechka/internal/artifact/artifacttest"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	"github.com/terragrunt-olechka/olechka/internal/notify/github/ghfake"
)

// plRun runs olechka with an environment.
func plRun(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }}, args)
	return out.String(), errb.String(), code
}

func plPlans(t *testing.T) string {
	return pt.Write(t, t.TempDir(), "c0ffee",
		pt.Unit{Path: "dev/eu-central-1/vpc", Env: "dev", Tier: "dev", AccountID: "111111111111", Resources: []artifact.ResourceChange{pt.Update("aws_vpc.main")}},
		pt.Unit{Path: "production/eu-central-1/aurora", Env: "production", Tier: "production", AccountID: "333333333333",
			Resources: []artifact.ResourceChange{pt.Replace("aws_rds_cluster.main")}},
		pt.Unit{Path: "staging/eu-central-1/db", Env: "staging", Tier: "staging", AccountID: "222222222222", Resources: []artifact.ResourceChange{pt.Create("aws_db_instance.x")}},
	)
}

func TestReviewCommandGitHub(t *testing.T) {
	plans := plPlans(t)
	dir := t.TempDir()
	findings := filepath.Join(dir, "validate.json")
	os.WriteFile(findings, []byte(`{"findings":[{"check":"policy","rule":"deny","level":"error","message":"no public database","unit":"staging/eu-central-1/db"}]}`), 0o644)
	env := map[string]string{"GITHUB_OUTPUT": filepath.Join(dir, "out"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary")}
	out, errOut, code := plRun(t, env, "review", "--plans", plans, "--findings", findings, "--format", "github",
		"--apply-role-name", "olechka-apply", "--out", filepath.Join(dir, "review.json"), "--fail-on-blocked")
	if code != 2 {
		t.Fatalf("exit %d (want 2: a unit is blocked): %s %s", code, out, errOut)
	}
	b, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	var matrix struct {
		Include []map[string]any `json:"include"`
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "matrix="); ok {
			if err := json.Unmarshal([]byte(v), &matrix); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(matrix.Include) != 2 {
		t.Fatalf("matrix = %s", b)
	}
	prod := matrix.Include[1]
	if prod["environment"] != "production" || prod["apply_role_arn"] != "arn:aws:iam::333333333333:role/olechka-apply" || prod["units_arg"] != "production/eu-central-1/aurora" {
		t.Errorf("production entry = %v", prod)
	}
	if !strings.Contains(string(b), "blocked=1") || !strings.Contains(string(b), "has_applies=true") {
		t.Errorf("outputs = %s", b)
	}
	sum, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	if !strings.Contains(string(sum), "policy denies: no public database") {
		t.Errorf("step summary = %s", sum)
	}
	if _, err := os.Stat(filepath.Join(dir, "review.json")); err != nil {
		t.Error("--out not written")
	}
	if !strings.Contains(out, "blocked  staging/eu-central-1/db") {
		t.Errorf("text output:\n%s", out)
	}
}

func TestCommentDryRunAndPost(t *testing.T) {
	plans := plPlans(t)
	dir := t.TempDir()
	md := filepath.Join(dir, "comment.md")
	out, errOut, code := plRun(t, nil, "comment", "--dry-run", "--plans", plans, "--out", md)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	body, _ := os.ReadFile(md)
	if !strings.HasPrefix(string(body), comment.Marker) || !strings.Contains(string(body), "production/eu-central-1/aurora") {
		t.Errorf("dry-run markdown:\n%s", body)
	}
	if !strings.Contains(out, "wrote "+md) || !strings.Contains(out, "not posted") {
		t.Errorf("output: %s", out)
	}

	f := ghfake.New(t)
	env := map[string]string{"GITHUB_TOKEN": ghfake.Token, "GITHUB_API_URL": f.URL, "GITHUB_REPOSITORY": ghfake.Repository,
		"GITHUB_REF": "refs/pull/42/merge", "GITHUB_RUN_ID": "9", "GITHUB_SERVER_URL": "https://github.com"}
	for i := range 2 {
		out, errOut, code = plRun(t, env, "comment", "--plans", plans)
		if code != 0 {
			t.Fatalf("run %d: exit %d: %s %s", i, code, out, errOut)
		}
	}
	if bs := f.Bodies(42); len(bs) != 1 || !strings.Contains(bs[0], "runs/9") {
		t.Fatalf("PR comments = %d: one sticky comment expected", len(bs))
	}
	if !strings.Contains(out, "0 created, 0 updated, 1 unchanged") {
		t.Errorf("second post: %s", out)
	}
	if strings.Contains(out+errOut, ghfake.Token) {
		t.Error("the token was printed")
	}

	// No PR number: a clear error.
	delete(env, "GITHUB_REF")
	if _, errOut, code := plRun(t, env, "comment", "--plans", plans); code == 0 || !strings.Contains(errOut, "--pr") {
		t.Errorf("no PR: exit %d %s", code, errOut)
	}
}

func TestNotifySlack(t *testing.T) {
	plans := pt.Write(t, t.TempDir(), "c0ffee",
		pt.Unit{Path: "dev/a", Env: "dev", Resources: []artifact.ResourceChange{pt.Create("x.y")}, Applied: "applied"},
		pt.Unit{Path: "dev/b", Env: "dev", Resources: []artifact.ResourceChange{pt.Create("x.y")}, Applied: "failed", ApplyError: "boom"},
	)
	var mu sync.Mutex
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("payload: %v", err)
		}
		got = append(got, m)
		if len(got) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // retried
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	hook := srv.URL + "/services/T/B/secret"
	env := map[string]string{"SLACK_WEBHOOK_URL": hook, "GITHUB_REPOSITORY": "acme/infra", "GITHUB_RUN_ID": "5", "GITHUB_SHA": "c0ffee0000", "GITHUB_REF": "refs/heads/main"}
	out, errOut, code := plRun(t, env, "notify", "slack", "--stage", "apply", "--plans", plans)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if len(got) != 2 {
		t.Fatalf("%d posts, want 2 (one retry)", len(got))
	}
	text, _ := got[1]["text"].(string)
	if !strings.Contains(text, "Apply on main: 1 failed, 1 applied") {
		t.Errorf("message text = %q", text)
	}
	if strings.Contains(out+errOut, "secret") {
		t.Error("the webhook was printed")
	}
	// Without a webhook: printed, exit 0.
	out, _, code = plRun(t, nil, "notify", "slack", "--stage", "plan", "--plans", plans)
	if code != 0 || !strings.Contains(out, "SLACK_WEBHOOK_URL is not set") {
		t.Errorf("no webhook: exit %d %s", code, out)
	}
}

func TestNotifyDrift(t *testing.T) {
	plans := pt.Write(t, t.TempDir(), "c0ffee",
		pt.Unit{Path: "dev/a", Env: "dev", Resources: []artifact.ResourceChange{pt.Update("aws_security_group.x")}, Drift: 1},
		pt.Unit{Path: "dev/b", Env: "dev"},
	)
	f := ghfake.New(t)
	env := map[string]string{"GITHUB_TOKEN": ghfake.Token, "GITHUB_API_URL": f.URL, "GITHUB_REPOSITORY": ghfake.Repository, "GITHUB_RUN_ID": "77"}
	out, errOut, code := plRun(t, env, "notify", "drift", "--plans", plans, "--fail-on-drift")
	if code != 2 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if open := f.OpenIssues(); len(open) != 1 || open["dev/a"] == nil {
		t.Fatalf("open issues: %v", slices.Sorted(maps.Keys(open)))
	}
	if !strings.Contains(out, "1 opened") || !strings.Contains(out, "SLACK_WEBHOOK_URL is not set") {
		t.Errorf("output:\n%s", out)
	}
	// The drift is fixed: the next check closes the issue.
	fixed := pt.Write(t, t.TempDir(), "c0ffee", pt.Unit{Path: "dev/a", Env: "dev"}, pt.Unit{Path: "dev/b", Env: "dev"})
	out, errOut, code = plRun(t, env, "notify", "drift", "--plans", fixed, "--no-slack")
	if code != 0 || len(f.OpenIssues()) != 0 || !strings.Contains(out, "1 closed") {
		t.Errorf("exit %d, open %v:\n%s %s", code, slices.Sorted(maps.Keys(f.OpenIssues())), out, errOut)
	}
}
