package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	"github.com/terragrunt-olechka/olechka/internal/state"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// copyTree copies a folder (the sandbox) into a temporary one.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".terragrunt-cache" || d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// slackRecorder is an incoming webhook that keeps every message's text.
type slackRecorder struct {
	mu    sync.Mutex
	texts []string
}

func (s *slackRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m struct {
		Text   string            `json:"text"`
		Blocks []json.RawMessage `json:"blocks"`
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &m); err != nil || len(m.Blocks) == 0 {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "invalid_payload")
		return
	}
	s.mu.Lock()
	s.texts = append(s.texts, m.Text)
	s.mu.Unlock()
	io.WriteString(w, "ok")
}

// TestPipelineLocalEndToEnd runs `olechka pipeline --local` on a copy of
// examples/sandbox with real OpenTofu and the embedded state store: the first run
// applies dev and staging (auto tiers) and leaves production unapplied because its
// approval is declined on the terminal; the second, with --auto-approve, applies
// production. Dependents planned on mock outputs are re-planned by apply once their
// dependencies are applied and applied in the same pass: no second round, no "Error:".
func TestPipelineLocalEndToEnd(t *testing.T) {
	testenv.Tool(t, "tofu")
	testenv.File(t, "tofurc")
	cache := testenv.CacheDir(t)
	tree := copyTree(t, filepath.Join(testenv.RepoRoot(t), "examples", "sandbox"))
	work := t.TempDir()
	out := filepath.Join(t.TempDir(), "run")

	ctx := t.Context()
	srv, err := state.Serve(ctx, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	slackRec := &slackRecorder{}
	hook := httptest.NewServer(slackRec)
	defer hook.Close()

	env := map[string]string{
		"OLECHKA_CACHE":          cache,
		"OLECHKA_STATE_ENDPOINT": srv.URL(),
		state.EnvAccessKey:       srv.Credentials().AccessKeyID,
		state.EnvSecretKey:       srv.Credentials().SecretAccessKey,
		"SLACK_WEBHOOK_URL":      hook.URL + "/services/T/B/secret",
		"PATH":                   os.Getenv("PATH"),
		"HOME":                   os.Getenv("HOME"),
	}
	// Every check runs: the sandbox passes the project's policies as the live tree does.
	args := []string{"pipeline", "--local", "--out", out, "--work-dir", work, tree}
	runPipe := func(stdin string, extra ...string) (string, int) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := Main(ctx, App{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
			Getenv: func(k string) string { return env[k] }}, append(args[:1:1], append(extra, args[1:]...)...))
		return stdout.String() + stderr.String(), code
	}

	// Run 1: production's approval is declined.
	log, code := runPipe("no\n")
	if code != 3 {
		t.Fatalf("run 1: exit %d, want 3 (approval declined)\n%s", code, log)
	}
	for _, want := range []string{"== 1/6 detect", "== 2/6 validate", "== 3/6 plan", "== 4/6 review", "== 5/6 apply", "== 6/6 notify",
		"Approval needed to apply production (GitHub environment production)", "production: not approved, nothing applied",
		"equivalent to the reviewed plan", "PR comment: " + filepath.Join(out, "comment.md")} {
		if !strings.Contains(log, want) {
			t.Errorf("run 1 output lacks %q", want)
		}
	}
	// (Run 1 ends with an error: production's approval was declined.)
	if strings.Contains(log, "round 2") {
		t.Errorf("run 1 needed a second round: a fresh env must apply in one pass")
	}
	statuses := finalStatuses(t, out)
	for u, s := range statuses {
		want := "applied"
		if strings.HasPrefix(u, "production/") {
			want = ""
		}
		if s != want {
			t.Errorf("run 1: %s: %q, want %q", u, s, want)
		}
	}
	if len(statuses) != 12 {
		t.Errorf("run 1: %d units, want the sandbox's 12", len(statuses))
	}
	c, err := os.ReadFile(filepath.Join(out, "comment.md"))
	if err != nil || !strings.HasPrefix(string(c), comment.Marker) || !strings.Contains(string(c), "production/eu-central-1/storage") || !strings.Contains(string(c), "```mermaid") {
		t.Errorf("comment.md: %v\n%.400s", err, c)
	}

	// Run 2: approved; production is applied, dev and staging have nothing to do.
	log, code = runPipe("", "--auto-approve")
	if code != 0 {
		t.Fatalf("run 2: exit %d\n%s", code, log)
	}
	statuses = finalStatuses(t, out)
	for u, s := range statuses {
		want := "unchanged"
		if strings.HasPrefix(u, "production/") {
			want = "applied"
		}
		if s != want && !(want == "unchanged" && s == "") {
			t.Errorf("run 2: %s: %q, want %q", u, s, want)
		}
	}
	if !strings.Contains(log, "approved (--auto-approve)") || !strings.Contains(log, "units: 5 applied, 7 no-changes") {
		t.Errorf("run 2 output:\n%s", log)
	}
	// Production, fresh, applied all its waves in one pass and one approval.
	for _, unwanted := range []string{"round 2", "Error:"} {
		if strings.Contains(log, unwanted) {
			t.Errorf("run 2 output has %q: a fresh env must apply in one pass\n%s", unwanted, log)
		}
	}

	// The per-step log of run 2 (the file is new for each run): every step of every
	// unit, timestamped, with the stage headers, and where it is said in the output.
	if !strings.Contains(log, "log:        "+filepath.Join(out, "pipeline.log")) {
		t.Errorf("run 2 output does not say where the log is")
	}
	stepLog, err := os.ReadFile(filepath.Join(out, "pipeline.log"))
	if err != nil {
		t.Fatal(err)
	}
	stepRe := regexp.MustCompile(`(?m)^20\d\d-\d\d-\d\dT[0-9:.]+Z +[0-9.]+s  production/eu-central-1/storage +(init|apply|applied \()`)
	if n := len(stepRe.FindAll(stepLog, -1)); n < 3 || !strings.Contains(string(stepLog), "== 5/6 apply") {
		t.Errorf("pipeline.log: %d step lines of production/eu-central-1/storage:\n%s", n, stepLog)
	}

	slackRec.mu.Lock()
	texts := append([]string(nil), slackRec.texts...)
	slackRec.mu.Unlock()
	if len(texts) != 4 || !strings.Contains(texts[1], "Apply: ") || !strings.Contains(texts[3], "5 applied") {
		t.Errorf("Slack messages: %q", texts)
	}
	if strings.Contains(log, "secret") {
		t.Error("the webhook URL was printed")
	}
}

// finalStatuses returns each unit's apply status from the run's latest plan folders.
func finalStatuses(t *testing.T, out string) map[string]string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(out, "plans-round-*"))
	dirs = append([]string{filepath.Join(out, "plans")}, dirs...)
	got := map[string]string{}
	for _, d := range dirs {
		ps, err := artifact.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			s := ""
			if p.Applied != nil {
				s = string(p.Applied.Status)
			}
			got[p.Metadata.Unit] = s
		}
	}
	return got
}
