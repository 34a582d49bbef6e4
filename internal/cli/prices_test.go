package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

func TestPricesUpdate(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	app := App{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), app, []string{"prices", "update", "--offers", "../validate/cost/testdata/offers", "--out", out})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	c, err := cost.LoadCatalog(filepath.Join(out, "aws-2026-12-03.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.PriceOrigin() != cost.OriginPriceList || len(c.Offers) != 2 {
		t.Fatalf("catalog: %+v", c)
	}
	if !strings.Contains(stdout.String(), "4 price(s) from the offers") {
		t.Errorf("output: %s", stdout.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := Main(context.Background(), app, []string{"prices", "update", "--offers", t.TempDir(), "--out", out}); code == 0 ||
		!strings.Contains(stderr.String(), "no *.json offer files") {
		t.Errorf("empty offers folder: exit %d, %s", code, stderr.String())
	}
	if code := Main(context.Background(), app, []string{"prices", "update"}); code != 2 {
		t.Errorf("no --offers: exit %d", code)
	}
}
