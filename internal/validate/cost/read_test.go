package cost

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadReport(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := ReadReport(write("cost.json", `{"cost":{"currency":"USD","source":"estimate","units":[{"path":"dev/a","source":"inputs","monthly_usd":12.5,"base_monthly_usd":10}]}}`))
	if err != nil || len(c.Units) != 1 || *c.Units[0].Base != 10 || c.Units[0].Monthly != 12.5 {
		t.Fatalf("wrapped: %+v %v", c, err)
	}
	if c, err := ReadReport(write("bare.json", `{"currency":"USD","units":[]}`)); err != nil || c.Currency != "USD" {
		t.Errorf("bare: %+v %v", c, err)
	}
	if _, err := ReadReport(write("none.json", `{"findings":[]}`)); err == nil {
		t.Error("a file without a cost report was accepted")
	}
}
