package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	return out.String(), errb.String(), code
}

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var small = map[string]string{
	"root.hcl":               "inputs = {\n  environment = \"dev\"\n  aws_region = \"eu-central-1\"\n  tier = \"dev\"\n}\n",
	"dev/vpc/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
	"dev/app/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\ndependency \"vpc\" {\n  config_path = \"../vpc\"\n  mock_outputs = { id = \"vpc-1\" }\n}\ninputs = { vpc = dependency.vpc.outputs.id }\n",
}

func TestRenderAllJSON(t *testing.T) {
	dir := tree(t, small)
	out, errOut, code := run(t, "render", "--all", "--json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m map[string]map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["dev/app"] == nil || m["dev/vpc"] == nil {
		t.Fatalf("keys: %v", m)
	}
	app := m["dev/app"]
	for _, k := range []string{"inputs", "locals", "terraform", "remote_state", "generate", "dependency", "dependencies", "iam_role", "prevent_destroy", "skip", "olechka"} {
		if _, ok := app[k]; !ok {
			t.Errorf("render lacks key %q", k)
		}
	}
	if got := app["inputs"].(map[string]any)["vpc"]; got != "vpc-1" {
		t.Errorf("inputs.vpc = %v", got)
	}
	if got := app["olechka"].(map[string]any)["mocked_dependencies"]; !reflect.DeepEqual(got, []any{"vpc"}) {
		t.Errorf("mocked_dependencies = %v", got)
	}
}

func TestRenderOneUnit(t *testing.T) {
	dir := tree(t, small)
	out, _, code := run(t, "render", "--json", filepath.Join(dir, "dev/app"))
	if code != 0 || !strings.Contains(out, `"vpc": "vpc-1"`) {
		t.Errorf("exit %d, out %s", code, out)
	}
	out, _, code = run(t, "render", filepath.Join(dir, "dev/app"))
	if code != 0 || !strings.Contains(out, `vpc         = "vpc-1"`) && !strings.Contains(out, `vpc = "vpc-1"`) {
		t.Errorf("HCL render: exit %d, out %s", code, out)
	}
	_, errOut, code := run(t, "render", dir)
	if code != 1 || !strings.Contains(errOut, "pass a unit folder, or --all") {
		t.Errorf("render of a non-unit: exit %d, %s", code, errOut)
	}
}

func TestGraphFormats(t *testing.T) {
	dir := tree(t, small)
	out, errOut, code := run(t, "graph", "--format", "json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var g struct {
		Waves        [][]string          `json:"waves"`
		ReverseWaves [][]string          `json:"reverse_waves"`
		Edges        map[string][]string `json:"edges"`
	}
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.Waves, [][]string{{"dev/vpc"}, {"dev/app"}}) || !reflect.DeepEqual(g.ReverseWaves, [][]string{{"dev/app"}, {"dev/vpc"}}) {
		t.Errorf("waves %v reverse %v", g.Waves, g.ReverseWaves)
	}
	out, _, _ = run(t, "graph", "--format", "mermaid", dir)
	if !strings.HasPrefix(out, "graph LR\n") || !strings.Contains(out, "u_dev_vpc --> u_dev_app") {
		t.Errorf("mermaid:\n%s", out)
	}
	out, _, _ = run(t, "graph", "--format", "dot", dir)
	if !strings.Contains(out, `"dev/vpc" -> "dev/app";`) {
		t.Errorf("dot:\n%s", out)
	}
	_, errOut, code = run(t, "graph", "--format", "svg", dir)
	if code != 1 || !strings.Contains(errOut, "unknown --format") {
		t.Errorf("bad format: %d %s", code, errOut)
	}
}

func TestGraphCycleAndBrokenUnits(t *testing.T) {
	dir := tree(t, map[string]string{
		"a/terragrunt.hcl": "dependencies {\n  paths = [\"../b\"]\n}\n",
		"b/terragrunt.hcl": "dependencies {\n  paths = [\"../c\"]\n}\n",
		"c/terragrunt.hcl": "dependencies {\n  paths = [\"../a\"]\n}\n",
	})
	_, errOut, code := run(t, "graph", dir)
	if code != 1 || !strings.Contains(errOut, "dependency cycle: a -> b -> c -> a") {
		t.Errorf("cycle: exit %d, %s", code, errOut)
	}
	dir = tree(t, map[string]string{
		"x/terragrunt.hcl":  "inputs = {\n  a = \n",
		"y/terragrunt.hcl":  "locals {\n  a = nope()\n}\n",
		"ok/terragrunt.hcl": "inputs = {}\n",
	})
	out, errOut, code := run(t, "units", dir)
	if code != 1 {
		t.Errorf("units with broken units exited %d", code)
	}
	for _, want := range []string{"x/terragrunt.hcl:2:7:", "y/terragrunt.hcl:2:7:", "2 of 3 units failed"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "ok ") {
		t.Errorf("the good unit is not listed:\n%s", out)
	}
}

func TestUnitsJSON(t *testing.T) {
	dir := tree(t, small)
	out, _, code := run(t, "units", "--json", dir)
	var rows []unitRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s", code, err, out)
	}
	want := []unitRow{
		{Path: "dev/app", Wave: 1, Env: "dev", Tier: "dev", Region: "eu-central-1"},
		{Path: "dev/vpc", Wave: 0, Env: "dev", Tier: "dev", Region: "eu-central-1"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %+v", rows)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _, code := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "olechka ") {
		t.Errorf("version: %d %q", code, out)
	}
	for _, c := range []string{"render", "graph", "units"} {
		out, _, code := run(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: %d\n%s", c, code, out)
		}
	}
	_, errOut, code := run(t, "units", "/does/not/exist")
	if code != 1 || !strings.Contains(errOut, "/does/not/exist") {
		t.Errorf("missing path: %d %s", code, errOut)
	}
}

// TestRenderAndGraphWithBrokenUnits: render --all and graph render and graph every
// unit that evaluates, name each broken one with file:line, and exit non-zero.
func TestRenderAndGraphWithBrokenUnits(t *testing.T) {
	dir := tree(t, map[string]string{
		"vpc/terragrunt.hcl":    "inputs = {}\n",
		"broken/terragrunt.hcl": "locals {\n  a = nope()\n}\n",
		"app/terragrunt.hcl":    "dependencies {\n  paths = [\"../vpc\", \"../broken\"]\n}\ninputs = { x = 1 }\n",
	})
	out, errOut, code := run(t, "graph", "--format", "json", dir)
	if code != 1 || !strings.Contains(errOut, "broken/terragrunt.hcl:2:7:") || !strings.Contains(errOut, "1 of 3 units failed") {
		t.Errorf("graph: exit %d, stderr %s", code, errOut)
	}
	var g struct {
		Edges  map[string][]string `json:"edges"`
		Broken []string            `json:"broken"`
	}
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("graph json: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(g.Edges["app"], []string{"broken", "vpc"}) && !reflect.DeepEqual(g.Edges["app"], []string{"vpc", "broken"}) {
		t.Errorf("app's edges = %v: the edge to the broken unit is lost", g.Edges["app"])
	}
	if !reflect.DeepEqual(g.Broken, []string{"broken"}) {
		t.Errorf("broken = %v", g.Broken)
	}
	out, errOut, code = run(t, "render", "--all", "--json", dir)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil || code != 1 || len(m) != 2 || m["app"] == nil || m["vpc"] == nil {
		t.Errorf("render --all: exit %d, %d units (%v), stderr %s", code, len(m), err, errOut)
	}
	if !strings.Contains(errOut, "broken/terragrunt.hcl:2:7:") {
		t.Errorf("render --all does not name the broken unit: %s", errOut)
	}
}
