package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/notify"
)

func sampleRun() notify.Run {
	return notify.Run{
		ServerURL: "https://github.com", Repository: "acme/infra", RunID: "4242", RunAttempt: "2",
		SHA: "0123456789abcdef0123456789abcdef01234567", Ref: "refs/heads/main", Actor: "octo",
		Workflow: "pipeline", Event: "push",
	}
}

func applyReport() notify.Report {
	return notify.Report{
		Stage: notify.StageApply,
		Run:   sampleRun(),
		Units: []notify.UnitResult{
			{Affected: detect.Affected{Path: "dev/eu-central-1/vpc"}, Status: notify.Applied, Counts: artifact.Counts{Add: 3}, Duration: 42 * time.Second},
			{Affected: detect.Affected{Path: "dev/eu-central-1/rds"}, Status: notify.Failed, Message: "Error: creating DB <cluster> & co\nsecond line"},
			{Affected: detect.Affected{Path: "dev/eu-central-1/ecs"}, Status: notify.Skipped, Message: "dependency dev/eu-central-1/rds failed"},
			{Affected: detect.Affected{Path: "dev/eu-central-1/kms"}, Status: notify.NoChanges},
		},
		ArtifactsURL: "https://github.com/acme/infra/actions/runs/4242#artifacts",
	}
}

// slackServer records payloads and answers with the scripted statuses, then 200 "ok".
type slackServer struct {
	t        *testing.T
	mu       sync.Mutex
	statuses []int
	payloads []Message
	headers  []http.Header
}

func (s *slackServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/services/T000/B000/secret-token" {
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		s.t.Errorf("Content-Type = %q", ct)
	}
	raw, _ := io.ReadAll(r.Body)
	var m Message
	if err := json.Unmarshal(raw, &m); err != nil {
		s.t.Errorf("payload is not JSON: %v", err)
	}
	s.payloads = append(s.payloads, m)
	s.headers = append(s.headers, r.Header.Clone())
	status := http.StatusOK
	if len(s.statuses) > 0 {
		status, s.statuses = s.statuses[0], s.statuses[1:]
	}
	switch status {
	case http.StatusOK:
		_, _ = io.WriteString(w, "ok")
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "rate_limited")
	case http.StatusNotFound:
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "no_service")
	default:
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "internal_error")
	}
}

func newServer(t *testing.T, statuses ...int) (*slackServer, *Client) {
	s := &slackServer{t: t, statuses: statuses}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL + "/services/T000/B000/secret-token")
	if err != nil {
		t.Fatal(err)
	}
	c.MinBackoff, c.MaxBackoff = time.Millisecond, 5*time.Millisecond
	return s, c
}

func TestBuildApplyMessage(t *testing.T) {
	m := Build(applyReport())
	raw, _ := m.JSON()
	text := string(raw)

	if m.Blocks[0].Type != "header" || !strings.Contains(m.Blocks[0].Text.Text, "Apply on main: 1 failed, 1 skipped, 1 applied, 1 no-changes") {
		t.Errorf("header = %+v", m.Blocks[0].Text)
	}
	if !strings.HasPrefix(m.Text, "🔴") {
		t.Errorf("fallback text should flag the failure: %q", m.Text)
	}
	for _, want := range []string{
		"https://github.com/acme/infra/actions/runs/4242/attempts/2",
		"<https://github.com/acme/infra/commit/0123456789abcdef0123456789abcdef01234567|0123456>",
		"https://github.com/acme/infra/actions/runs/4242#artifacts",
		"`+3 ~0 -0`",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("message lacks %q:\n%s", want, text)
		}
	}
	// mrkdwn control characters escaped, only the first line of a message kept.
	if !strings.Contains(text, "creating DB &lt;cluster&gt; &amp; co") || strings.Contains(text, "second line") {
		t.Errorf("failure message not escaped or not cut to one line:\n%s", text)
	}
	// Worst first: the failed unit's line comes before the applied one.
	var units string
	for _, b := range m.Blocks {
		if b.Type == "section" && b.Text != nil && strings.Contains(b.Text.Text, "dev/eu-central-1/") {
			units += b.Text.Text
		}
	}
	if i, j := strings.Index(units, "rds"), strings.Index(units, "vpc"); i < 0 || j < 0 || i > j {
		t.Errorf("units not ordered worst first:\n%s", units)
	}
	// A push has no pull request: no PR button.
	for _, b := range m.Blocks {
		for _, e := range b.Elements {
			if e.ActionID == "pr" {
				t.Error("PR button without a pull request")
			}
		}
	}
}

func TestBuildPlanMessageForPR(t *testing.T) {
	r := notify.Report{Stage: notify.StagePlan, Run: sampleRun()}
	r.Run.PR = 17
	r.Run.Ref = "refs/pull/17/merge"
	r.Units = []notify.UnitResult{
		{Affected: detect.Affected{Path: "production/eu-central-1/aurora"}, Status: notify.Pending, Counts: artifact.Counts{Replace: 1}, Destructive: true},
	}
	m := Build(r)
	raw, _ := m.JSON()
	text := string(raw)
	for _, want := range []string{"Plan for PR #17: 1 pending", "https://github.com/acme/infra/pull/17", "stateful", "±1"} {
		if !strings.Contains(text, want) {
			t.Errorf("message lacks %q:\n%s", want, text)
		}
	}
	if !strings.HasPrefix(m.Text, "🟡") {
		t.Errorf("pending approval should be amber: %q", m.Text)
	}
}

func TestBuildStaysWithinSlackLimits(t *testing.T) {
	r := notify.Report{Stage: notify.StageDrift, Run: sampleRun()}
	for i := range 2000 {
		r.Units = append(r.Units, notify.UnitResult{Affected: detect.Affected{Path: fmt.Sprintf("production/eu-central-1/unit-%04d", i)}, Status: notify.Drifted, Message: strings.Repeat("x", 500), Counts: artifact.Counts{Change: i}})
	}
	m := Build(r)
	if len(m.Blocks) > maxBlocks {
		t.Fatalf("%d blocks, Slack accepts %d", len(m.Blocks), maxBlocks)
	}
	for i, b := range m.Blocks {
		if b.Text != nil && len(b.Text.Text) > maxSectionText {
			t.Errorf("block %d text is %d chars", i, len(b.Text.Text))
		}
	}
	last := m.Blocks[len(m.Blocks)-2]
	if last.Text == nil || !strings.Contains(last.Text.Text, "more units") {
		t.Errorf("the overflow is not announced: %+v", last)
	}
}

func TestPostRetriesThenSucceeds(t *testing.T) {
	s, c := newServer(t, 500, 429, 200)
	msg := Build(applyReport())
	if err := c.Post(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if len(s.payloads) != 3 {
		t.Fatalf("%d requests, want 3", len(s.payloads))
	}
	for i, p := range s.payloads {
		if p.Text != msg.Text || len(p.Blocks) != len(msg.Blocks) {
			t.Errorf("request %d carries a different payload", i)
		}
	}
}

func TestPostGivesUpAndHidesTheWebhook(t *testing.T) {
	s, c := newServer(t, 503, 503, 503, 503)
	c.Attempts = 3
	err := c.Post(context.Background(), Build(applyReport()))
	var se *Error
	if !errors.As(err, &se) || se.Attempts != 3 || se.Status != 503 {
		t.Fatalf("err = %v", err)
	}
	if len(s.payloads) != 3 {
		t.Errorf("%d requests, want 3 (bounded)", len(s.payloads))
	}
	if strings.Contains(err.Error(), "secret-token") {
		t.Errorf("error leaks the webhook: %v", err)
	}
}

func TestPostDoesNotRetryClientErrors(t *testing.T) {
	s, c := newServer(t, 404)
	err := c.Post(context.Background(), Build(applyReport()))
	if err == nil || !strings.Contains(err.Error(), "no_service") {
		t.Fatalf("err = %v", err)
	}
	if len(s.payloads) != 1 {
		t.Errorf("%d requests, a 404 must not be retried", len(s.payloads))
	}
}

func TestPostTransportErrorHidesTheWebhook(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/services/T000/B000/secret-token"
	srv.Close() // nothing listens any more
	c, err := New(url)
	if err != nil {
		t.Fatal(err)
	}
	c.Attempts, c.MinBackoff, c.MaxBackoff = 2, time.Millisecond, time.Millisecond
	err = c.Post(context.Background(), Build(applyReport()))
	if err == nil {
		t.Fatal("post to a closed server succeeded")
	}
	if strings.Contains(err.Error(), "secret-token") || strings.Contains(err.Error(), srv.URL) {
		t.Errorf("error leaks the webhook: %v", err)
	}
}

func TestPostStopsWhenContextEnds(t *testing.T) {
	_, c := newServer(t, 500, 500, 500, 500, 500)
	c.Attempts, c.MinBackoff, c.MaxBackoff = 5, time.Hour, time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Post(ctx, Build(applyReport())) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Post kept waiting after the context ended")
	}
}

func TestFromEnv(t *testing.T) {
	if _, err := FromEnv(func(string) string { return "" }); !errors.Is(err, ErrNoWebhook) {
		t.Errorf("err = %v, want ErrNoWebhook", err)
	}
	_, err := FromEnv(func(string) string { return "not a url with secret-token" })
	if err == nil || strings.Contains(err.Error(), "secret-token") {
		t.Errorf("err = %v (must fail without echoing the value)", err)
	}
}
