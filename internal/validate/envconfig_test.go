package validate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// TestEnvFromEvaluatedConfig: policies see env.hcl's locals as the unit's evaluation
// read them; only a unit that did not read env.hcl gets its literal locals parsed.
func TestEnvFromEvaluatedConfig(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "env.hcl")
	src := "locals {\n  tier   = \"prod\"\n  budget = get_env(\"OLECHKA_TEST_BUDGET\", \"7\")\n}\n"
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newEnvCache(dir)
	got := c.get(&config.Unit{Dir: dir})
	if got.File != f || got.Locals["tier"] != "prod" || got.Locals["budget"] != nil {
		t.Errorf("parsed env.hcl: %+v", got)
	}
	read := cty.ObjectVal(map[string]cty.Value{"locals": cty.ObjectVal(map[string]cty.Value{
		"tier": cty.StringVal("prod"), "budget": cty.StringVal("7"),
	})})
	got = c.get(&config.Unit{Dir: dir, ReadConfigs: map[string]cty.Value{f: read}})
	if got.File != f || got.Locals["tier"] != "prod" || got.Locals["budget"] != "7" {
		t.Errorf("evaluated env.hcl: %+v", got)
	}
}
