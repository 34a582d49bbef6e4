package alarm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Handler is the Lambda function: one SNS event in, one Slack message per alarm out.
type Handler struct {
	Webhook WebhookSource
	Poster  *Poster
	Links   Links
	Log     *slog.Logger
}

// Handle processes an SNS event. A record that is not an alarm notification is logged
// and acknowledged (returning an error would make Lambda retry a message that can never
// succeed). A message Slack did not take after the retries is returned as an error, so
// the invocation fails and SNS/Lambda retry it and, in the end, the dead-letter queue
// keeps it.
func (h *Handler) Handle(ctx context.Context, ev events.SNSEvent) error {
	log := h.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	for _, rec := range ev.Records {
		l := log.With("message_id", rec.SNS.MessageID, "topic", rec.SNS.TopicArn)
		n, err := Parse(rec.SNS.Message)
		if err != nil {
			kind := "malformed"
			if errors.Is(err, ErrNotAlarm) {
				kind = "unknown"
			}
			l.Warn("skipping message that is not an alarm notification", "kind", kind, "error", err.Error(),
				"subject", rec.SNS.Subject, "message_bytes", len(rec.SNS.Message))
			continue
		}
		l = l.With("alarm", n.AlarmName, "state", n.NewStateValue, "old_state", n.OldStateValue)
		if err := h.forward(ctx, n); err != nil {
			l.Error("slack delivery failed", "error", err.Error())
			errs = append(errs, fmt.Errorf("alarm %s (%s): %w", n.AlarmName, rec.SNS.MessageID, err))
			continue
		}
		l.Info("forwarded to slack")
	}
	return errors.Join(errs...)
}

func (h *Handler) forward(ctx context.Context, n *Notification) error {
	msg := Build(n, h.Links)
	for try := 0; ; try++ {
		url, err := h.Webhook.WebhookURL(ctx)
		if err != nil {
			return err
		}
		_, err = h.Poster.Post(ctx, url, msg)
		var se *SlackError
		if err != nil && try == 0 && errors.As(err, &se) && se.Gone() {
			// The webhook may have been rotated: read the secret again, once.
			h.Webhook.Invalidate()
			continue
		}
		return err
	}
}

// Environment variables the Lambda function reads (set by modules/observability).
const (
	EnvSecretID  = "SLACK_WEBHOOK_SECRET_ARN" // secret holding the webhook URL (required)
	EnvDashboard = "DASHBOARD_NAME"           // dashboard the messages link to
	EnvCacheTTL  = "WEBHOOK_CACHE_TTL"        // how long the URL is cached, e.g. 5m (default)
	EnvLogLevel  = "LOG_LEVEL"                // debug, info (default), warn, error
)

// FromEnv builds the handler from the function's environment.
func FromEnv(getenv func(string) string, secrets SecretGetter, logOut io.Writer) (*Handler, error) {
	id := getenv(EnvSecretID)
	if id == "" {
		return nil, fmt.Errorf("%s is not set", EnvSecretID)
	}
	ttl := 5 * time.Minute
	if v := getenv(EnvCacheTTL); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%s=%q is not a duration like 5m", EnvCacheTTL, v)
		}
		ttl = d
	}
	var level slog.Level
	if v := getenv(EnvLogLevel); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return nil, fmt.Errorf("%s=%q: %w", EnvLogLevel, v, err)
		}
	}
	return &Handler{
		Webhook: &SecretWebhook{Client: secrets, SecretID: id, TTL: ttl},
		Poster:  &Poster{},
		Links:   Links{Dashboard: getenv(EnvDashboard)},
		Log:     slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level})),
	}, nil
}
