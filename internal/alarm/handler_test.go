package alarm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// slackServer is an httptest stand-in for a Slack incoming webhook: it records each
// payload and answers with the scripted statuses (then 200 "ok").
type slackServer struct {
	*httptest.Server
	mu       sync.Mutex
	payloads []Message
	raw      []string
	script   []int
	headers  map[int]http.Header
}

func newSlack(t *testing.T, script ...int) *slackServer {
	s := &slackServer{script: script, headers: map[int]http.Header{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || r.URL.Path != "/services/T000/B000/XXXX" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "invalid_request")
			return
		}
		var m Message
		if err := json.Unmarshal(body, &m); err != nil || m.Text == "" || len(m.Blocks) == 0 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "invalid_payload")
			return
		}
		n := len(s.raw)
		s.raw = append(s.raw, string(body))
		status := http.StatusOK
		if n < len(s.script) {
			status = s.script[n]
		}
		for k, v := range s.headers[n] {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		switch status {
		case http.StatusOK:
			s.payloads = append(s.payloads, m)
			_, _ = io.WriteString(w, "ok")
		case http.StatusNotFound:
			_, _ = io.WriteString(w, "no_service")
		case http.StatusTooManyRequests:
			_, _ = io.WriteString(w, "rate_limited")
		default:
			_, _ = io.WriteString(w, "internal_error")
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *slackServer) hook() string { return s.URL + "/services/T000/B000/XXXX" }

func (s *slackServer) posts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.raw)
}

// fakeSecrets is a Secrets Manager stand-in behind the SecretGetter interface.
type fakeSecrets struct {
	mu     sync.Mutex
	values []string // returned in turn; the last one repeats
	calls  int
	err    error
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	if aws.ToString(in.SecretId) != "ai-tools/dev/slack-webhook" {
		return nil, errors.New("ResourceNotFoundException")
	}
	v := f.values[min(f.calls-1, len(f.values)-1)]
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(v)}, nil
}

func loadEvent(t *testing.T, name string) events.SNSEvent {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SNSEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

type rig struct {
	h       *Handler
	secrets *fakeSecrets
	sleeps  []time.Duration
	logs    *bytes.Buffer
}

func newRig(secretValues ...string) *rig {
	r := &rig{secrets: &fakeSecrets{values: secretValues}, logs: &bytes.Buffer{}}
	r.h = &Handler{
		Webhook: &SecretWebhook{Client: r.secrets, SecretID: "ai-tools/dev/slack-webhook", TTL: 5 * time.Minute},
		Poster: &Poster{Sleep: func(_ context.Context, d time.Duration) error {
			r.sleeps = append(r.sleeps, d)
			return nil
		}},
		Links: Links{Dashboard: "ai-tools-dev-operations"},
		Log:   slog.New(slog.NewJSONHandler(r.logs, nil)),
	}
	return r
}

func fieldTexts(m Message) map[string]string {
	out := map[string]string{}
	for _, b := range m.Blocks {
		for _, f := range b.Fields {
			title, value, _ := strings.Cut(f.Text, "\n")
			out[strings.Trim(title, "*")] = value
		}
	}
	return out
}

func TestSamplesReachSlackAsBlockKit(t *testing.T) {
	slack := newSlack(t)
	r := newRig(slack.hook())
	cases := []struct {
		file, header, state, metric, threshold, button string
	}{
		{"alarm.json", ":red_circle: ALARM: ai-tools-dev-api-cpu-high", "OK → ALARM",
			"AWS/ECS CPUUtilization (ClusterName=ai-tools-dev, ServiceName=ai-tools-api)", "&gt; 75 (Average of 60 s, 3 of 3 periods)", "danger"},
		{"ok.json", ":large_green_circle: OK: ai-tools-dev-api-cpu-high", "ALARM → OK",
			"AWS/ECS CPUUtilization (ClusterName=ai-tools-dev, ServiceName=ai-tools-api)", "&gt; 75 (Average of 60 s, 3 of 3 periods)", ""},
		{"insufficient-data.json", ":white_circle: INSUFFICIENT_DATA: ai-tools-dev-api-latency-p99", "OK → INSUFFICIENT_DATA",
			"AWS/ApplicationELB TargetResponseTime (LoadBalancer=app/ai-tools-dev/50dc6c495c0c9188)", "&gt; 1 Seconds (p99 of 60 s, 3 of 5 periods)", ""},
		{"metric-math.json", ":red_circle: ALARM: ai-tools-dev-alb-5xx-rate", "OK → ALARM",
			"5xx error rate (%) = 100 * (m1 + m2) / m3 where m1: AWS/ApplicationELB HTTPCode_Target_5XX_Count (LoadBalancer=app/ai-tools-dev/50dc6c495c0c9188) Sum, m2: AWS/ApplicationELB HTTPCode_ELB_5XX_Count (LoadBalancer=app/ai-tools-dev/50dc6c495c0c9188) Sum, m3: AWS/ApplicationELB RequestCount (LoadBalancer=app/ai-tools-dev/50dc6c495c0c9188) Sum",
			"&gt; 2 (periods of 60 s, 2 of 3 periods)", "danger"},
		{"composite.json", ":red_circle: ALARM: ai-tools-dev-service-health", "OK → ALARM",
			`composite rule: ALARM("ai-tools-dev-api-cpu-high") OR ALARM("ai-tools-dev-alb-5xx-rate") OR ALARM("ai-tools-dev-api-latency-p99")`,
			"triggered by ai-tools-dev-alb-5xx-rate is ALARM", "danger"},
	}
	for i, tc := range cases {
		ev := loadEvent(t, tc.file)
		if err := r.h.Handle(context.Background(), ev); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if len(slack.payloads) != i+1 {
			t.Fatalf("%s: slack got %d messages, want %d", tc.file, len(slack.payloads), i+1)
		}
		m := slack.payloads[i]
		if m.Blocks[0].Type != "header" || m.Blocks[0].Text.Text != tc.header {
			t.Errorf("%s: header %+v, want %q", tc.file, m.Blocks[0].Text, tc.header)
		}
		f := fieldTexts(m)
		if f["State"] != tc.state || f["Metric"] != tc.metric || f["Threshold"] != tc.threshold {
			t.Errorf("%s: fields\n state %q\n metric %q\n threshold %q", tc.file, f["State"], f["Metric"], f["Threshold"])
		}
		if f["Account"] != "111111111111" || f["Region"] != "eu-central-1 (EU (Frankfurt))" {
			t.Errorf("%s: account %q region %q", tc.file, f["Account"], f["Region"])
		}
		var reason string
		for _, b := range m.Blocks {
			if b.Type == "section" && b.Text != nil {
				reason = b.Text.Text
			}
		}
		var n Notification
		_ = json.Unmarshal([]byte(ev.Records[0].SNS.Message), &n)
		if !strings.Contains(reason, "*Reason*\n"+escape(n.NewStateReason)) {
			t.Errorf("%s: reason block %q", tc.file, reason)
		}
		actions := m.Blocks[3]
		if actions.Type != "actions" || len(actions.Elements) != 2 {
			t.Fatalf("%s: actions block %+v", tc.file, actions)
		}
		wantAlarm := "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#alarmsV2:alarm/" + n.AlarmName
		wantDash := "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#dashboards/dashboard/ai-tools-dev-operations"
		if actions.Elements[0].URL != wantAlarm || actions.Elements[1].URL != wantDash || actions.Elements[0].Style != tc.button {
			t.Errorf("%s: buttons %+v", tc.file, actions.Elements)
		}
		if !strings.Contains(slack.raw[i], `"type":"button","text":{"type":"plain_text","text":"Open alarm"}`) {
			t.Errorf("%s: raw payload %s", tc.file, slack.raw[i])
		}
	}
	if r.secrets.calls != 1 {
		t.Errorf("the secret was read %d times for %d messages; want 1 (cached)", r.secrets.calls, len(cases))
	}
	if strings.Contains(r.logs.String(), slack.hook()) {
		t.Error("the webhook URL reached the log")
	}
}

func TestMalformedAndUnknownMessagesAreLoggedAndAcknowledged(t *testing.T) {
	slack := newSlack(t)
	r := newRig(slack.hook())
	for _, f := range []string{"malformed.json", "unknown.json"} {
		if err := r.h.Handle(context.Background(), loadEvent(t, f)); err != nil {
			t.Errorf("%s: %v (must be acknowledged)", f, err)
		}
	}
	if slack.posts() != 0 || r.secrets.calls != 0 {
		t.Errorf("slack posts %d, secret reads %d; want none", slack.posts(), r.secrets.calls)
	}
	logs := r.logs.String()
	for _, want := range []string{`"kind":"malformed"`, `"kind":"unknown"`, `no AlarmName`, `"message_id":"f6071829-3a4b-5c5d-96e7-f8091a2b3c4d"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	// A batch mixing bad and good records still forwards the good one.
	ev := loadEvent(t, "malformed.json")
	ev.Records = append(ev.Records, loadEvent(t, "alarm.json").Records...)
	if err := r.h.Handle(context.Background(), ev); err != nil || slack.posts() != 1 {
		t.Errorf("mixed batch: err %v, posts %d", err, slack.posts())
	}
}

func TestSlackErrorsAreRetriedWithBackoff(t *testing.T) {
	slack := newSlack(t, 500, 503, 429)
	slack.headers[2] = http.Header{"Retry-After": {"3"}}
	r := newRig(slack.hook())
	if err := r.h.Handle(context.Background(), loadEvent(t, "alarm.json")); err != nil {
		t.Fatal(err)
	}
	if slack.posts() != 4 || len(slack.payloads) != 1 {
		t.Errorf("posts %d, delivered %d; want 4 and 1", slack.posts(), len(slack.payloads))
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 3 * time.Second}
	if len(r.sleeps) != 3 || r.sleeps[0] != want[0] || r.sleeps[1] != want[1] || r.sleeps[2] != want[2] {
		t.Errorf("sleeps %v, want %v", r.sleeps, want)
	}
}

func TestSlackFailureIsSurfacedWithoutTheWebhook(t *testing.T) {
	slack := newSlack(t, 500, 500, 500, 500, 500)
	r := newRig(slack.hook())
	err := r.h.Handle(context.Background(), loadEvent(t, "alarm.json"))
	if err == nil || !strings.Contains(err.Error(), "after 4 attempts: slack answered HTTP 500: internal_error") {
		t.Fatalf("err = %v", err)
	}
	if slack.posts() != 4 {
		t.Errorf("posts %d", slack.posts())
	}
	if !strings.Contains(r.logs.String(), `"msg":"slack delivery failed"`) {
		t.Errorf("log:\n%s", r.logs.String())
	}

	// A refused payload is not retried.
	slack400 := newSlack(t, 400)
	r = newRig(slack400.hook())
	err = r.h.Handle(context.Background(), loadEvent(t, "ok.json"))
	var se *SlackError
	if !errors.As(err, &se) || se.Status != 400 || slack400.posts() != 1 {
		t.Errorf("400: err %v, posts %d", err, slack400.posts())
	}

	// Slack unreachable: the error names no URL.
	down := newSlack(t)
	hook := down.hook()
	down.Close()
	r = newRig(hook)
	err = r.h.Handle(context.Background(), loadEvent(t, "ok.json"))
	if err == nil || strings.Contains(err.Error(), hook) || !strings.Contains(err.Error(), "<slack webhook>") {
		t.Errorf("unreachable: %v", err)
	}
	if strings.Contains(r.logs.String(), hook) {
		t.Error("the webhook URL reached the log")
	}
}

func TestRotatedWebhookIsReadAgain(t *testing.T) {
	old := newSlack(t, 404)
	fresh := newSlack(t)
	r := newRig(old.hook(), `{"webhook_url": "`+fresh.hook()+`"}`)
	if err := r.h.Handle(context.Background(), loadEvent(t, "alarm.json")); err != nil {
		t.Fatal(err)
	}
	if old.posts() != 1 || len(fresh.payloads) != 1 || r.secrets.calls != 2 {
		t.Errorf("old %d, new %d, secret reads %d", old.posts(), len(fresh.payloads), r.secrets.calls)
	}
}

func TestSecretWebhookCacheAndErrors(t *testing.T) {
	now := time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC)
	f := &fakeSecrets{values: []string{"https://hooks.slack.com/services/A", "https://hooks.slack.com/services/B"}}
	s := &SecretWebhook{Client: f, SecretID: "ai-tools/dev/slack-webhook", TTL: time.Minute, Now: func() time.Time { return now }}
	for i := 0; i < 3; i++ {
		if u, err := s.WebhookURL(context.Background()); err != nil || u != "https://hooks.slack.com/services/A" {
			t.Fatalf("%q %v", u, err)
		}
	}
	now = now.Add(2 * time.Minute)
	if u, _ := s.WebhookURL(context.Background()); u != "https://hooks.slack.com/services/B" || f.calls != 2 {
		t.Errorf("after TTL: %q, %d reads", u, f.calls)
	}
	for _, bad := range []string{"", "not a url", `{"url": "https://x"}`, `{"webhook_url": `} {
		s := &SecretWebhook{Client: &fakeSecrets{values: []string{bad}}, SecretID: "ai-tools/dev/slack-webhook"}
		if _, err := s.WebhookURL(context.Background()); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	r := newRig("unused")
	r.secrets.err = errors.New("AccessDeniedException: not allowed")
	if err := r.h.Handle(context.Background(), loadEvent(t, "alarm.json")); err == nil || !strings.Contains(err.Error(), "read Slack webhook secret ai-tools/dev/slack-webhook") {
		t.Errorf("secret error: %v", err)
	}
}

func TestBuildTruncatesAndEscapes(t *testing.T) {
	n := &Notification{AlarmName: strings.Repeat("a", 300), NewStateValue: "ALARM", NewStateReason: "x < y & " + strings.Repeat("z", 4000),
		AlarmArn: "arn:aws-cn:cloudwatch:cn-north-1:111111111111:alarm:a"}
	m := Build(n, Links{})
	if got := len([]rune(m.Blocks[0].Text.Text)); got != maxHeader {
		t.Errorf("header %d runes", got)
	}
	if got := len([]rune(m.Blocks[1].Text.Text)); got != maxSection || !strings.Contains(m.Blocks[1].Text.Text, "x &lt; y &amp; ") {
		t.Errorf("reason %d runes: %.40q", got, m.Blocks[1].Text.Text)
	}
	if len(m.Blocks[3].Elements) != 1 || !strings.HasPrefix(m.Blocks[3].Elements[0].URL, "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1") {
		t.Errorf("buttons %+v", m.Blocks[3].Elements)
	}
}

func BenchmarkBuild(b *testing.B) {
	var ev events.SNSEvent
	raw, _ := os.ReadFile(filepath.Join("testdata", "metric-math.json"))
	_ = json.Unmarshal(raw, &ev)
	for b.Loop() {
		n, err := Parse(ev.Records[0].SNS.Message)
		if err != nil {
			b.Fatal(err)
		}
		_ = Build(n, Links{Dashboard: "d"})
	}
}
