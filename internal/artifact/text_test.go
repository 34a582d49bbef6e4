package artifact

import "testing"

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
