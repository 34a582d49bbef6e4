package comment

import "github.com/terragrunt-olechka/olechka/internal/notify"

// simulatedBlocks is the comment's banner when the plans ran against a simulated
// provider (Input.Simulated): a GitHub caution alert right under the heading.
func simulatedBlocks(in Input) []block {
	n := notify.SimulatedNote(in.Simulated)
	if n == "" {
		return nil
	}
	s := "> [!CAUTION]\n> **" + notify.SimulatedTitle + "**: " + n + "\n\n"
	return []block{{text: s, stub: s}}
}
