package artifact

import (
	"testing"
	"unicode/utf8"
)

func TestShortIDAndFirstLine(t *testing.T) {
	if got := ShortID("0123456789abcdef"); got != "0123456789ab" {
		t.Errorf("ShortID = %q", got)
	}
	if got := ShortID("abc"); got != "abc" {
		t.Errorf("ShortID of a short id = %q", got)
	}
	if got := FirstLine("\n  first line\nsecond\n"); got != "first line" {
		t.Errorf("FirstLine = %q", got)
	}
}

func TestShortCommitAndFirstLineCut(t *testing.T) {
	if got := ShortCommit("0123456789abcdef"); got != "0123456" {
		t.Errorf("ShortCommit = %q", got)
	}
	if got := ShortCommit("abc"); got != "abc" {
		t.Errorf("ShortCommit of a short id = %q", got)
	}
	if got := FirstLineCut("  Error: boom\nmore", 300); got != "Error: boom" {
		t.Errorf("FirstLineCut of a short line = %q", got)
	}
	if got := FirstLineCut("abcdef\nx", 3); got != "abc…" {
		t.Errorf("FirstLineCut past max = %q", got)
	}
	// "é" is two bytes: a cut inside it backs off to the character's start.
	if got := FirstLineCut("aéb", 2); got != "a…" || !utf8.ValidString(got) {
		t.Errorf("FirstLineCut inside a character = %q", got)
	}
}
