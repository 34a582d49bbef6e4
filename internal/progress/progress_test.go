package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestPlainLines(t *testing.T) {
	var b bytes.Buffer
	r := New(&b, false, 2)
	r.Step("dev/vpc", "init")
	r.Step("dev/vpc", "plan")
	r.Done("dev/vpc", "planned", "Plan: 1 to add, 0 to change, 0 to destroy.\nmore")
	r.Done("dev/app", "skipped", "dependency dev/vpc failed")
	r.Close()
	out := b.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("lines:\n%s", out)
	}
	if !strings.Contains(lines[1], "dev/vpc") || !strings.HasSuffix(lines[1], "plan") {
		t.Errorf("step line %q", lines[1])
	}
	if !strings.Contains(lines[2], "planned (") || !strings.HasSuffix(lines[2], "Plan: 1 to add, 0 to change, 0 to destroy.") {
		t.Errorf("done line %q", lines[2])
	}
	if strings.Contains(out, "\033") {
		t.Error("escape codes in plain output")
	}
}

func TestTerminalStatusLine(t *testing.T) {
	var b bytes.Buffer
	r := New(&b, true, 1)
	r.Step("dev/vpc", "init")
	r.Done("dev/vpc", "planned", "")
	r.Close()
	out := b.String()
	if !strings.Contains(out, "[0/1] dev/vpc (init") || !strings.Contains(out, "\r\033[K") {
		t.Errorf("no status line: %q", out)
	}
	// The last thing printed is the finished unit, the status line cleared.
	if !strings.HasSuffix(out, "planned (0.0s)\n") {
		t.Errorf("output ends %q", out[len(out)-30:])
	}
	var nilR *Reporter
	nilR.Step("x", "y") // a nil reporter is silent
	nilR.Close()
}
