package ghactions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteOutput(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out")
	if err := WriteOutput(p, Output{Name: "a", Value: "1"}, Output{Name: "b", Value: "x\ny"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "a=1" || !strings.HasPrefix(lines[1], "b<<OLECHKA_") || lines[2] != "x" || lines[3] != "y" || lines[4] != strings.TrimPrefix(lines[1], "b<<") {
		t.Errorf("GITHUB_OUTPUT:\n%s", b)
	}
	if err := WriteOutput("", Output{Name: "a", Value: "1"}); err == nil {
		t.Error("no GITHUB_OUTPUT accepted")
	}
}
