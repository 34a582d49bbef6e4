package artifact

import "strings"

// ShortID is a commit id or fingerprint cut to its first 12 characters, as messages
// show one.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// FirstLine is the first line of a message, surrounding space trimmed.
func FirstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
