package validate

import (
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// TestCostSourceSaysEstimates: until the catalog is built from AWS's offer files, the
// cost report says its prices are hand-recorded estimates.
func TestCostSourceSaysEstimates(t *testing.T) {
	for _, c := range []struct {
		origin    string
		estimated int
		want      string
	}{
		{"", 0, "hand-recorded estimates of list prices, 2026-11-25"},
		{cost.OriginHandRecorded, 0, "hand-recorded estimates of list prices, 2026-11-25"},
		{cost.OriginPriceList, 0, "AWS Price List of 2026-11-25)"},
		{cost.OriginPriceList, 41, "AWS Price List of 2026-11-25; 41 price keys still hand-recorded estimates"},
	} {
		r := &Result{Cost: &cost.Report{Currency: "USD", AsOf: "2026-11-25", PriceOrigin: c.origin, EstimatedPrices: c.estimated, Source: "estimate",
			Monthly: 10, Envs: []cost.EnvCost{{Env: "dev", Monthly: 10, Units: 1}}}}
		var text, md strings.Builder
		if err := WriteText(&text, r, false); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&md, r); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), c.want) || !strings.Contains(md.String(), c.want) {
			t.Errorf("origin %q: want %q in\n%s\n%s", c.origin, c.want, text.String(), md.String())
		}
	}
}
