package alarm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// WebhookSource gives the Slack webhook URL; Invalidate drops a cached value (Slack said
// the webhook is gone, so it may have been rotated).
type WebhookSource interface {
	WebhookURL(ctx context.Context) (string, error)
	Invalidate()
}

// SecretGetter is the part of the Secrets Manager client the forwarder uses.
type SecretGetter interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ SecretGetter = (*secretsmanager.Client)(nil)

// SecretWebhook reads the webhook URL from a Secrets Manager secret and caches it for
// TTL. The secret string is the URL itself or a JSON object with a "webhook_url" key.
type SecretWebhook struct {
	Client   SecretGetter
	SecretID string
	TTL      time.Duration // 0 = cache until invalidated
	Now      func() time.Time

	mu      sync.Mutex
	url     string
	fetched time.Time
}

// WebhookURL returns the cached URL or reads the secret.
func (s *SecretWebhook) WebhookURL(ctx context.Context) (string, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.url != "" && (s.TTL == 0 || now().Sub(s.fetched) < s.TTL) {
		return s.url, nil
	}
	out, err := s.Client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.SecretID)})
	if err != nil {
		return "", fmt.Errorf("read Slack webhook secret %s: %w", s.SecretID, err)
	}
	u, err := webhookFromSecret(aws.ToString(out.SecretString))
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", s.SecretID, err)
	}
	s.url, s.fetched = u, now()
	return u, nil
}

// Invalidate forgets the cached URL.
func (s *SecretWebhook) Invalidate() {
	s.mu.Lock()
	s.url = ""
	s.mu.Unlock()
}

func webhookFromSecret(v string) (string, error) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "{") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(v), &obj); err != nil {
			return "", fmt.Errorf("the secret looks like JSON but is not: %w", err)
		}
		u, _ := obj["webhook_url"].(string)
		if u == "" {
			return "", errors.New(`the secret's JSON has no "webhook_url" string`)
		}
		v = u
	}
	if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
		return "", errors.New("the secret holds no webhook URL (want https://hooks.slack.com/... or JSON {\"webhook_url\": ...})")
	}
	return v, nil
}

// Poster posts messages to the webhook, retrying what may pass: network errors, HTTP 429
// (honouring Retry-After) and 5xx, with exponential backoff.
type Poster struct {
	HTTP     *http.Client
	Attempts int           // total tries (default 4)
	Backoff  time.Duration // first wait (default 500ms), doubled each retry
	MaxWait  time.Duration // cap on one wait (default 8s)
	// Sleep waits d or until ctx ends; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// SlackError is a final answer from Slack that is not success.
type SlackError struct {
	Status int
	Body   string
}

func (e *SlackError) Error() string {
	return fmt.Sprintf("slack answered HTTP %d: %s", e.Status, e.Body)
}

// Gone says the webhook no longer exists or was revoked.
func (e *SlackError) Gone() bool {
	return e.Status == http.StatusNotFound || e.Status == http.StatusGone || e.Status == http.StatusForbidden ||
		strings.Contains(e.Body, "no_service") || strings.Contains(e.Body, "invalid_token")
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Post sends msg to webhook. It returns the number of attempts made and the last error.
func (p *Poster) Post(ctx context.Context, webhook string, msg Message) (int, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return 0, err
	}
	attempts, wait, maxWait := p.Attempts, p.Backoff, p.MaxWait
	if attempts <= 0 {
		attempts = 4
	}
	if wait <= 0 {
		wait = 500 * time.Millisecond
	}
	if maxWait <= 0 {
		maxWait = 8 * time.Second
	}
	sleep := p.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	client := p.HTTP
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	var last error
	for i := 1; i <= attempts; i++ {
		retryAfter, err := p.once(ctx, client, webhook, body)
		if err == nil {
			return i, nil
		}
		last = err
		var se *SlackError
		if errors.As(err, &se) && se.Status != http.StatusTooManyRequests && se.Status < 500 {
			return i, err // a request Slack refuses will not pass by retrying
		}
		if i == attempts || ctx.Err() != nil {
			break
		}
		d := wait
		if retryAfter > 0 {
			d = retryAfter
		}
		if d > maxWait {
			d = maxWait
		}
		if err := sleep(ctx, d); err != nil {
			return i, fmt.Errorf("%w (gave up waiting: %v)", last, err)
		}
		wait *= 2
	}
	return attempts, fmt.Errorf("after %d attempts: %w", attempts, last)
}

func (p *Poster) once(ctx context.Context, client *http.Client, webhook string, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhook, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook request: %w", redact(err, webhook))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		// The URL is the secret: never let it reach a log.
		return 0, fmt.Errorf("post to Slack: %w", redact(err, webhook))
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK {
		return 0, nil
	}
	var ra time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		ra = time.Duration(s) * time.Second
	}
	return ra, &SlackError{Status: resp.StatusCode, Body: strings.TrimSpace(string(text))}
}

// redact replaces the webhook URL in an error's text.
func redact(err error, webhook string) error {
	msg := err.Error()
	if !strings.Contains(msg, webhook) {
		return err
	}
	return errors.New(strings.ReplaceAll(msg, webhook, "<slack webhook>"))
}
