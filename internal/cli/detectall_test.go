package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/detect"
)

// detect --all: every unit affected, in wave order, packed into jobs; the summary has
// the jobs table and says there is no base.
func TestDetectAll(t *testing.T) {
	dir := gitTree(t, small, detectChange)
	ghDir := t.TempDir()
	env := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(ghDir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(ghDir, "summary"),
	}
	jsonOut := filepath.Join(ghDir, "detect.json")
	_, errOut, code := runEnv(t, env, "detect", "--all", "--format", "github", "--units-per-job", "1", "--json-out", jsonOut, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var res detect.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Base != "" || len(res.Head) != 40 || len(res.Units) != 2 || res.Units[0].Path != "dev/vpc" || res.Units[1].Path != "dev/app" ||
		res.Units[1].Wave != 1 || len(res.Jobs) != 2 || res.Jobs[1].Units[0] != "dev/app" {
		t.Errorf("detect --all: %s", b)
	}
	sum, err := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	if err != nil || !strings.Contains(string(sum), "Every unit at head `"+res.Head[:12]+"`") ||
		!strings.Contains(string(sum), "2 units packed into 2 plan jobs") || !strings.Contains(string(sum), "| 1 | plan | `dev/app` | 1 |") {
		t.Errorf("summary: %v\n%s", err, sum)
	}
	_, errOut, code = run(t, "detect", "--all", "--base", "main", dir)
	if code == 0 || !strings.Contains(errOut, "--all takes every unit") {
		t.Errorf("--all --base: exit %d, %s", code, errOut)
	}
}
