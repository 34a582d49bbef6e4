package finding

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if fs, err := ReadFile(write("a.json", `[{"check":"policy","rule":"deny","level":"error","message":"m","unit":"dev/a"}]`)); err != nil || len(fs) != 1 || fs[0].Unit != "dev/a" {
		t.Errorf("array: %v %v", fs, err)
	}
	if fs, err := ReadFile(write("b.json", `{"findings":[],"summary":{}}`)); err != nil || len(fs) != 0 {
		t.Errorf("object: %v %v", fs, err)
	}
	if _, err := ReadFile(write("c.json", `{"other":1}`)); err == nil {
		t.Error("a file without findings was accepted")
	}
	by := ByUnit([]Finding{{Unit: "dev/a"}, {Unit: ""}, {Unit: "dev/a"}})
	if len(by["dev/a"]) != 2 || len(by[""]) != 1 {
		t.Errorf("ByUnit = %v", by)
	}
}
