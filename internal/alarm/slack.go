package alarm

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Message is a Slack incoming-webhook payload: fallback text plus Block Kit blocks.
type Message struct {
	Text   string  `json:"text"`
	Blocks []Block `json:"blocks"`
}

// Block is a Block Kit layout block (header, section, actions, context, divider).
type Block struct {
	Type     string    `json:"type"`
	Text     *Text     `json:"text,omitempty"`
	Fields   []Text    `json:"fields,omitempty"`
	Elements []Element `json:"elements,omitempty"`
	BlockID  string    `json:"block_id,omitempty"`
}

// Text is a Block Kit text object.
type Text struct {
	Type  string `json:"type"` // plain_text or mrkdwn
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

// Element is an element of an actions or context block: a button or a text.
type Element struct {
	Type     string `json:"type"`           // button, mrkdwn, plain_text
	Text     any    `json:"text,omitempty"` // *Text for a button, string for context text
	URL      string `json:"url,omitempty"`
	ActionID string `json:"action_id,omitempty"`
	Style    string `json:"style,omitempty"`
}

// Links say where the console lives; the zero value builds console URLs from the alarm's
// region and partition.
type Links struct {
	Dashboard string // CloudWatch dashboard to link to ("" = none)
}

// Block Kit limits: header text 150 characters, section text 3000, a field 2000.
const (
	maxHeader  = 150
	maxSection = 3000
	maxField   = 2000
)

var stateEmoji = map[string]string{"ALARM": ":red_circle:", "OK": ":large_green_circle:", "INSUFFICIENT_DATA": ":white_circle:"}

// consoleHost returns the console host for a region and partition.
func consoleHost(region, partition string) string {
	switch partition {
	case "aws-cn":
		return "console.amazonaws.cn"
	case "aws-us-gov":
		return "console.amazonaws-us-gov.com"
	}
	if region == "" {
		return "console.aws.amazon.com"
	}
	return region + ".console.aws.amazon.com"
}

// AlarmURL is the console page of the alarm.
func AlarmURL(n *Notification) string {
	r := n.RegionCode()
	return fmt.Sprintf("https://%s/cloudwatch/home?region=%s#alarmsV2:alarm/%s", consoleHost(r, n.Partition()), r, url.PathEscape(n.AlarmName))
}

// DashboardURL is the console page of a dashboard in the alarm's region.
func DashboardURL(n *Notification, dashboard string) string {
	r := n.RegionCode()
	return fmt.Sprintf("https://%s/cloudwatch/home?region=%s#dashboards/dashboard/%s", consoleHost(r, n.Partition()), r, url.PathEscape(dashboard))
}

// escape makes text safe inside Slack mrkdwn (&, <, > are control characters).
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Build renders a notification as a Slack message.
func Build(n *Notification, links Links) Message {
	emoji := stateEmoji[n.NewStateValue]
	kind := "Alarm"
	if n.Composite() {
		kind = "Composite alarm"
	}
	header := truncate(fmt.Sprintf("%s %s: %s", emoji, n.NewStateValue, n.AlarmName), maxHeader)
	var blocks []Block
	blocks = append(blocks, Block{Type: "header", Text: &Text{Type: "plain_text", Text: header, Emoji: true}})

	reason := "*Reason*\n" + escape(n.NewStateReason)
	if n.AlarmDescription != nil && *n.AlarmDescription != "" {
		reason = escape(*n.AlarmDescription) + "\n" + reason
	}
	blocks = append(blocks, Block{Type: "section", Text: &Text{Type: "mrkdwn", Text: truncate(reason, maxSection)}})

	old := n.OldStateValue
	if old == "" {
		old = "?"
	}
	field := func(title, value string) Text {
		return Text{Type: "mrkdwn", Text: truncate("*"+title+"*\n"+escape(value), maxField)}
	}
	blocks = append(blocks, Block{Type: "section", Fields: []Text{
		field("State", old+" → "+n.NewStateValue),
		field(kind, n.AlarmName),
		field("Metric", n.MetricText()),
		field("Threshold", n.ThresholdText()),
		field("Account", n.AWSAccountID),
		field("Region", strings.TrimSpace(n.RegionCode()+" "+paren(n.Region))),
	}})

	buttons := []Element{{
		Type: "button", Text: &Text{Type: "plain_text", Text: "Open alarm"}, URL: AlarmURL(n), ActionID: "open-alarm",
	}}
	if n.NewStateValue == "ALARM" {
		buttons[0].Style = "danger"
	}
	if links.Dashboard != "" {
		buttons = append(buttons, Element{
			Type: "button", Text: &Text{Type: "plain_text", Text: "Open dashboard"}, URL: DashboardURL(n, links.Dashboard), ActionID: "open-dashboard",
		})
	}
	blocks = append(blocks, Block{Type: "actions", Elements: buttons})
	if n.StateChangeTime != "" {
		blocks = append(blocks, Block{Type: "context", Elements: []Element{{Type: "mrkdwn", Text: "State changed at " + escape(n.StateChangeTime)}}})
	}
	return Message{
		Text:   truncate(fmt.Sprintf("%s %s: %s — %s", emoji, n.NewStateValue, n.AlarmName, n.NewStateReason), maxSection),
		Blocks: blocks,
	}
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}
