package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// get_env sees a variable set to "" as set (App.LookupEnv), as Terragrunt does: its
// value is "", not the default; a variable missing from the environment takes the
// default.
func TestRenderGetEnvSetButEmpty(t *testing.T) {
	dir := tree(t, map[string]string{
		"app/terragrunt.hcl": `inputs = { a = get_env("WCFG_EMPTY", "dflt"), b = get_env("WCFG_UNSET", "dflt") }`,
	})
	env := map[string]string{"WCFG_EMPTY": ""}
	var out, errb bytes.Buffer
	app := App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv:    func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	if code := Main(context.Background(), app, []string{"render", "--json", dir + "/app"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r struct {
		Inputs map[string]string `json:"inputs"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Inputs["a"] != "" || r.Inputs["b"] != "dflt" {
		t.Errorf("inputs %v, want a = \"\" (set, empty) and b = \"dflt\"", r.Inputs)
	}
}
