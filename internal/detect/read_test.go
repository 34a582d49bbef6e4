package detect

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadResult(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "d.json")
	if err := os.WriteFile(p, []byte(`{"base":"a","head":"b","units":[{"path":"dev/a","action":"plan","wave":0,"reasons":["unit added"]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := ReadResult(p); err != nil || d.Units[0].Reasons[0] != "unit added" || d.Head != "b" {
		t.Errorf("detect: %+v %v", d, err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[1]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResult(bad); err == nil {
		t.Error("a file that is not detect's output was accepted")
	}
}
