package slack

import "github.com/terragrunt-olechka/olechka/internal/notify"

// simulatedBlocks is the message's banner when the plans ran against a simulated
// provider (Report.Simulated): a section right under the header.
func simulatedBlocks(r notify.Report) []Block {
	n := notify.SimulatedNote(r.Simulated)
	if n == "" {
		return nil
	}
	return []Block{{Type: "section", Text: mrkdwn(truncate(":warning: *"+notify.SimulatedTitle+"*: "+Escape(n), maxSectionText))}}
}

// simulatedSuffix marks the notification's fallback text (what a phone shows).
func simulatedSuffix(r notify.Report) string {
	if len(r.Simulated) == 0 {
		return ""
	}
	return " (" + notify.SimulatedTitle + ")"
}
