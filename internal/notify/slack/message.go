// Package slack renders pipeline reports as Slack Block Kit messages and posts them to
// an incoming webhook, retrying transient failures with a bounded backoff. The webhook
// URL is a secret: it never appears in an error, a log line or a rendered message.
package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/notify"
)

// Slack's limits (https://api.slack.com/reference/block-kit/blocks).
const (
	maxBlocks      = 50
	maxSectionText = 3000
	maxHeaderText  = 150
	maxFallback    = 3000
)

// Message is an incoming-webhook payload.
type Message struct {
	Text   string  `json:"text"` // fallback for notifications
	Blocks []Block `json:"blocks,omitempty"`
}

// Block is one Block Kit layout block (header, section, context, actions, divider).
type Block struct {
	Type     string    `json:"type"`
	Text     *Text     `json:"text,omitempty"`
	Fields   []Text    `json:"fields,omitempty"`
	Elements []Element `json:"elements,omitempty"`
}

// Text is a text object: plain_text or mrkdwn.
type Text struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

// Element is an element of a context block (a text) or an actions block (a button).
type Element struct {
	Type     string `json:"type"`
	Text     any    `json:"text,omitempty"` // string for mrkdwn context elements, *Text for buttons
	URL      string `json:"url,omitempty"`
	ActionID string `json:"action_id,omitempty"`
	Style    string `json:"style,omitempty"`
}

// JSON encodes the message as Slack receives it (no HTML escaping of <, > and &).
func (m Message) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func plain(s string) *Text  { return &Text{Type: "plain_text", Text: s, Emoji: true} }
func mrkdwn(s string) *Text { return &Text{Type: "mrkdwn", Text: s} }

// Escape escapes the three characters Slack's mrkdwn treats as control characters.
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func link(url, text string) string {
	if url == "" {
		return Escape(text)
	}
	return "<" + url + "|" + Escape(text) + ">"
}

func icon(s notify.Status) string {
	switch s {
	case notify.Failed:
		return ":x:"
	case notify.Blocked:
		return ":no_entry:"
	case notify.Skipped:
		return ":fast_forward:"
	case notify.Pending:
		return ":hourglass_flowing_sand:"
	case notify.Drifted:
		return ":warning:"
	case notify.Planned:
		return ":memo:"
	case notify.Applied:
		return ":white_check_mark:"
	case notify.NoChanges:
		return ":heavy_check_mark:"
	}
	return ":grey_question:"
}

var order = []notify.Status{notify.Failed, notify.Blocked, notify.Skipped, notify.Pending,
	notify.Drifted, notify.Planned, notify.Applied, notify.NoChanges}

// Title is the message's one-line summary, e.g. "Apply on main: 2 applied, 1 failed".
func Title(r notify.Report) string {
	var what string
	switch r.Stage {
	case notify.StagePlan:
		what = "Plan"
	case notify.StageApply:
		what = "Apply"
	case notify.StageDrift:
		what = "Drift check"
	default:
		what = string(r.Stage)
	}
	switch {
	case r.Run.PR > 0:
		what += fmt.Sprintf(" for PR #%d", r.Run.PR)
	case strings.HasPrefix(r.Run.Ref, "refs/heads/"):
		what += " on " + strings.TrimPrefix(r.Run.Ref, "refs/heads/")
	}
	if len(r.Units) == 0 {
		return what + ": no affected units"
	}
	tally := r.Tally()
	var parts []string
	for _, s := range order {
		if n := tally[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return what + ": " + strings.Join(parts, ", ")
}

func headerIcon(r notify.Report) string {
	w := r.Worst()
	switch {
	case w.Bad():
		return "🔴"
	case w == notify.Pending || w == notify.Drifted:
		return "🟡"
	}
	return "🟢"
}

func unitLine(u notify.UnitResult) string {
	var b strings.Builder
	b.WriteString(icon(u.Status))
	b.WriteString(" *")
	b.WriteString(Escape(u.Path))
	b.WriteString("* ")
	b.WriteString(string(u.Status))
	if u.Action == artifact.ActionDestroy {
		b.WriteString(" (destroy)")
	}
	if !u.Counts.Zero() {
		b.WriteString(" `" + u.Counts.String() + "`")
	}
	if u.Destructive {
		b.WriteString(" :rotating_light: destroys or replaces stateful resources")
	}
	if u.Duration > 0 {
		b.WriteString(" · " + u.Duration.Round(time.Second).String())
	}
	if u.Message != "" {
		msg := u.Message
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		b.WriteString("\n      _" + Escape(msg) + "_")
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Build renders a report as a Block Kit message: a header with the outcome, the links
// (run, pull request, commit), one line per unit (worst outcome first) and a footer.
// It stays inside Slack's limits on blocks and text lengths.
func Build(r notify.Report) Message {
	title := Title(r)
	msg := Message{Text: truncate(headerIcon(r)+" "+title+simulatedSuffix(r), maxFallback)}
	msg.Blocks = append(msg.Blocks, Block{Type: "header", Text: plain(truncate(headerIcon(r)+" "+title, maxHeaderText))})
	msg.Blocks = append(msg.Blocks, simulatedBlocks(r)...)
	msg.Blocks = append(msg.Blocks, linkBlocks(r)...)
	msg.Blocks = append(msg.Blocks, Block{Type: "divider"})
	msg.Blocks = unitBlocks(r, msg.Blocks)
	footer := "olechka " + string(r.Stage)
	if r.Run.Workflow != "" {
		footer += " · " + Escape(r.Run.Workflow)
	}
	if r.Run.Event != "" {
		footer += " · " + Escape(r.Run.Event)
	}
	msg.Blocks = append(msg.Blocks, Block{Type: "context", Elements: []Element{{Type: "mrkdwn", Text: footer}}})
	return msg
}

// linkBlocks are the run's facts (repository, commit, pull request, actor) and its
// buttons (run, pull request, commit, artifacts), each block only when it has content.
func linkBlocks(r notify.Report) []Block {
	var out []Block
	var facts []string
	if r.Run.Repository != "" {
		facts = append(facts, "*Repository* "+link(r.Run.ServerURL+"/"+r.Run.Repository, r.Run.Repository))
	}
	if r.Run.SHA != "" {
		facts = append(facts, "*Commit* "+link(r.Run.CommitURL(), r.Run.ShortSHA()))
	}
	if r.Run.PR > 0 {
		facts = append(facts, "*Pull request* "+link(r.Run.PRURL(), fmt.Sprintf("#%d", r.Run.PR)))
	}
	if r.Run.Actor != "" {
		facts = append(facts, "*By* "+Escape(r.Run.Actor))
	}
	if len(facts) > 0 {
		out = append(out, Block{Type: "section", Text: mrkdwn(strings.Join(facts, "  ·  "))})
	}
	var buttons []Element
	addButton := func(id, text, url, style string) {
		if url != "" {
			buttons = append(buttons, Element{Type: "button", Text: plain(text), URL: url, ActionID: id, Style: style})
		}
	}
	addButton("run", "View run", r.Run.RunURL(), "primary")
	addButton("pr", "Pull request", r.Run.PRURL(), "")
	addButton("commit", "Commit", r.Run.CommitURL(), "")
	addButton("artifacts", "Plans and logs", r.ArtifactsURL, "")
	if len(buttons) > 0 {
		out = append(out, Block{Type: "actions", Elements: buttons})
	}
	return out
}

// unitBlocks appends the unit lines (worst outcome first) to blocks, packed into
// sections, and a "more" line for those past Slack's block limit; two blocks stay free
// for "more" and the footer.
func unitBlocks(r notify.Report, blocks []Block) []Block {
	units := append([]notify.UnitResult(nil), r.Units...)
	sort.SliceStable(units, func(i, j int) bool {
		si, sj := units[i].Status.Severity(), units[j].Status.Severity()
		if si != sj {
			return si < sj
		}
		return units[i].Path < units[j].Path
	})
	if len(units) == 0 {
		blocks = append(blocks, Block{Type: "section", Text: mrkdwn("No units were affected.")})
	}
	budget := maxBlocks - len(blocks) - 2
	var cur strings.Builder
	shown := 0
	flush := func() {
		if cur.Len() > 0 {
			blocks = append(blocks, Block{Type: "section", Text: mrkdwn(cur.String())})
			budget--
			cur.Reset()
		}
	}
	for _, u := range units {
		line := truncate(unitLine(u), maxSectionText)
		if cur.Len() > 0 && cur.Len()+1+len(line) > maxSectionText {
			if budget <= 1 {
				break
			}
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
		shown++
	}
	flush()
	if rest := len(units) - shown; rest > 0 {
		more := fmt.Sprintf("…and %d more units", rest)
		if u := r.Run.RunURL(); u != "" {
			more += ": " + link(u, "see the run")
		}
		blocks = append(blocks, Block{Type: "section", Text: mrkdwn(more)})
	}
	return blocks
}
