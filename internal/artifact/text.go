package artifact

import (
	"strings"
	"unicode/utf8"
)

// ShortID is a commit id or fingerprint cut to its first 12 characters, as messages
// show one.
func ShortID(id string) string { return shortN(id, 12) }

// ShortCommit is a commit id cut to its first 7 characters, as git and GitHub show one
// (review's reasons, the PR comment's commit range, reports' commit links).
func ShortCommit(id string) string { return shortN(id, 7) }

func shortN(id string, n int) string {
	if len(id) > n {
		return id[:n]
	}
	return id
}

// FirstLine is the first line of a message, surrounding space trimmed.
func FirstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// FirstLineCut is FirstLine cut to at most max bytes, an ellipsis marking the cut (a
// reason line that must stay short). The cut never splits a UTF-8 character.
func FirstLineCut(s string, max int) string {
	l := FirstLine(s)
	if len(l) <= max {
		return l
	}
	for max > 0 && !utf8.RuneStart(l[max]) {
		max--
	}
	return l[:max] + "…"
}
