package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// EnvWebhook is the environment variable holding the incoming-webhook URL.
const EnvWebhook = "SLACK_WEBHOOK_URL"

// ErrNoWebhook means SLACK_WEBHOOK_URL is not set.
var ErrNoWebhook = errors.New(EnvWebhook + " is not set")

// Client posts messages to one incoming webhook.
type Client struct {
	webhook string // secret: never printed
	// HTTP is the client requests go through (default: one with a 15 s timeout).
	HTTP *http.Client
	// Attempts bounds the tries per message (default 5).
	Attempts int
	// MinBackoff and MaxBackoff bound the wait between tries (defaults 1 s and 30 s);
	// the wait doubles from MinBackoff, with jitter, and a Retry-After header is honoured
	// up to MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
}

// New returns a client for a webhook URL. The URL is checked but never echoed.
func New(webhook string) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(webhook))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("the Slack webhook URL is not an http(s) URL (value not shown)")
	}
	return &Client{webhook: u.String()}, nil
}

// FromEnv returns a client for $SLACK_WEBHOOK_URL, or ErrNoWebhook.
func FromEnv(getenv func(string) string) (*Client, error) {
	w := getenv(EnvWebhook)
	if strings.TrimSpace(w) == "" {
		return nil, ErrNoWebhook
	}
	c, err := New(w)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvWebhook, err)
	}
	return c, nil
}

// Error is a failed delivery. It carries Slack's answer, never the webhook URL.
type Error struct {
	Attempts int
	Status   int    // last HTTP status, 0 for a transport error
	Body     string // Slack's error text (e.g. invalid_payload, no_service)
	Err      error  // transport error, with the URL removed
}

func (e *Error) Error() string {
	var what string
	switch {
	case e.Status != 0:
		what = fmt.Sprintf("HTTP %d", e.Status)
		if e.Body != "" {
			what += ": " + e.Body
		}
	case e.Err != nil:
		what = e.Err.Error()
	default:
		what = "unknown error"
	}
	return fmt.Sprintf("posting to Slack failed after %d attempt(s): %s", e.Attempts, what)
}

func (e *Error) Unwrap() error { return e.Err }

// retryable reports whether Slack may accept the same message later.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}

// Post sends one message, retrying rate limits, server errors and transport errors
// with exponential backoff until Attempts is used up or ctx ends.
func (c *Client) Post(ctx context.Context, msg Message) error {
	body, err := msg.JSON()
	if err != nil {
		return fmt.Errorf("encoding the Slack message: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	minB, maxB := c.MinBackoff, c.MaxBackoff
	if minB <= 0 {
		minB = time.Second
	}
	if maxB < minB {
		maxB = max(30*time.Second, minB)
	}
	last := &Error{}
	for i := 1; i <= attempts; i++ {
		last.Attempts = i
		wait, retry := c.try(ctx, hc, body, last)
		if last.Status == http.StatusOK && last.Err == nil {
			return nil
		}
		if !retry || i == attempts || ctx.Err() != nil {
			break
		}
		backoff := minB << (i - 1)
		if backoff > maxB || backoff <= 0 {
			backoff = maxB
		}
		backoff = backoff/2 + rand.N(backoff/2+1) // jitter in [b/2, b]
		if wait > 0 {
			backoff = min(wait, maxB)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			last.Err = ctx.Err()
			last.Status = 0
			return last
		case <-t.C:
		}
	}
	if last.Err == nil && ctx.Err() != nil {
		last.Err = ctx.Err()
	}
	return last
}

// try makes one request, recording the outcome in e; it returns a server-requested wait
// and whether another try makes sense.
func (c *Client) try(ctx context.Context, hc *http.Client, body []byte, e *Error) (time.Duration, bool) {
	e.Status, e.Body, e.Err = 0, "", nil
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.webhook, bytes.NewReader(body))
	if err != nil {
		e.Err = errors.New("building the request failed")
		return 0, false
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error carries the URL: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		e.Err = err
		return 0, ctx.Err() == nil
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	e.Status = resp.StatusCode
	e.Body = strings.TrimSpace(string(text))
	if resp.StatusCode == http.StatusOK {
		return 0, false
	}
	var wait time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
		wait = time.Duration(s) * time.Second
	}
	return wait, retryable(resp.StatusCode)
}
