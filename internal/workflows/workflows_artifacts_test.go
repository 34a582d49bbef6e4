package workflows

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

type wfStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]any    `yaml:"with"`
}

func readSteps(t *testing.T, file string) map[string][]wfStep {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), ".github", "workflows", file))
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		Jobs map[string]struct {
			Steps []wfStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &w); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	out := map[string][]wfStep{}
	for id, j := range w.Jobs {
		out[id] = j.Steps
	}
	return out
}

func stepNamed(t *testing.T, steps []wfStep, prefix string) wfStep {
	t.Helper()
	for _, s := range steps {
		if strings.HasPrefix(s.Name, prefix) {
			return s
		}
	}
	t.Fatalf("no step named %q", prefix)
	return wfStep{}
}

// TestPlanArtifactsPerUnit checks the placement of plan artifacts (issue 17): each plan
// job uploads one artifact per unit holding only that unit's folder, named from
// detect.json before the change's code runs; no job downloads plan artifacts merged.
func TestPlanArtifactsPerUnit(t *testing.T) {
	batch := readSteps(t, "plan-batch.yml")["plan"]
	units := stepNamed(t, batch, "The job's units")
	max, err := atoi(units.Env["MAX_UNITS"])
	if err != nil || max < 16 {
		t.Fatalf("MAX_UNITS = %q: want at least detect's default of 16 units per job", units.Env["MAX_UNITS"])
	}
	var uploads []wfStep
	planAt, unitsAt := -1, -1
	for i, s := range batch {
		switch {
		case strings.HasPrefix(s.Uses, "actions/upload-artifact@"):
			uploads = append(uploads, s)
		case strings.HasPrefix(s.Name, "olechka plan"):
			planAt = i
		case s.ID == "units":
			unitsAt = i
		}
	}
	if unitsAt < 0 || planAt < 0 || unitsAt > planAt {
		t.Errorf("the artifact names must be read before the plan runs (units step %d, plan step %d)", unitsAt, planAt)
	}
	if len(uploads) != max {
		t.Fatalf("%d upload steps, want MAX_UNITS = %d", len(uploads), max)
	}
	for k, s := range uploads {
		name, path := fmt.Sprint(s.With["name"]), fmt.Sprint(s.With["path"])
		if name != fmt.Sprintf("${{ steps.units.outputs.name%d }}", k) || path != fmt.Sprintf("${{ steps.units.outputs.path%d }}", k) {
			t.Errorf("upload %d: name %q path %q, want the units step's name%d/path%d", k+1, name, path, k, k)
		}
		if !strings.Contains(s.If, fmt.Sprintf("fromJSON(steps.units.outputs.count) > %d", k)) {
			t.Errorf("upload %d: if %q does not check the count", k+1, s.If)
		}
	}
	// Nobody merges plan artifacts into one folder.
	for _, file := range []string{"pipeline.yml", "deliver.yml"} {
		for job, steps := range readSteps(t, file) {
			for _, s := range steps {
				pattern := fmt.Sprint(s.With["pattern"])
				if strings.HasPrefix(s.Uses, "actions/download-artifact@") && strings.HasPrefix(pattern, "plan-") {
					if s.With["merge-multiple"] != nil {
						t.Errorf("%s: job %s downloads %s with merge-multiple", file, job, pattern)
					}
					if s.With["path"] != "plan-artifacts" {
						t.Errorf("%s: job %s downloads %s into %v, want plan-artifacts (placed per unit after)", file, job, pattern, s.With["path"])
					}
					stepNamed(t, steps, "Place each unit's plan")
				}
			}
		}
	}
}

func atoi(s string) (int, error) {
	var n int
	_, err := fmt.Sscanf(s, "%d", &n)
	return n, err
}

// TestPlanArtifactPlacementScripts runs the two scripts of the workflows on a job of two
// units: the plan job's naming step, then the placing step of a reading job, with the
// artifacts laid out as download-artifact leaves them without merge-multiple (one folder
// per artifact), plus a planted artifact for a unit detect did not plan and one of
// another env whose name shares the prefix.
func TestPlanArtifactPlacementScripts(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed")
	}
	work := t.TempDir()
	detectJSON := `{"base":"b0","jobs":[{"id":0,"action":"plan","units":["dev/eu-central-1/vpc","dev/eu-central-1/app"]},` +
		`{"id":1,"action":"destroy","units":["dev/eu-central-1/old"]}]}`
	if err := os.MkdirAll(filepath.Join(work, "detect"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "detect", "detect.json"), []byte(detectJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	bash := func(script string, env ...string) string {
		t.Helper()
		cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", script)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return string(out)
	}
	batch := readSteps(t, "plan-batch.yml")["plan"]
	ghOut := filepath.Join(work, "gh-output")
	bash(stepNamed(t, batch, "The job's units").Run, "JOB=0", "PREFIX=dev-", "MAX_UNITS=16", "GITHUB_OUTPUT="+ghOut)
	b, _ := os.ReadFile(ghOut)
	got := string(b)
	for _, want := range []string{"name0=plan-dev-dev~eu-central-1~vpc\n", "path0=plans/units/dev/eu-central-1/vpc/\n",
		"name1=plan-dev-dev~eu-central-1~app\n", "count=2\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("outputs lack %q:\n%s", want, got)
		}
	}
	// A unit path that cannot name an artifact is refused.
	bad := `{"jobs":[{"units":["dev/a:b"]}]}`
	os.WriteFile(filepath.Join(work, "detect", "bad.json"), []byte(bad), 0o644)
	cmd := exec.Command("bash", "-e", "-c", strings.ReplaceAll(stepNamed(t, batch, "The job's units").Run, "detect/detect.json", "detect/bad.json"))
	cmd.Dir, cmd.Env = work, append(os.Environ(), "JOB=0", "PREFIX=", "MAX_UNITS=16", "GITHUB_OUTPUT="+ghOut)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "cannot name an artifact") {
		t.Errorf("a unit path with ':' was accepted: %v %s", err, out)
	}

	// Downloaded artifacts: each a unit folder's files at its root.
	arts := map[string]string{
		"plan-dev-dev~eu-central-1~vpc":       "dev/eu-central-1/vpc",
		"plan-dev-dev~eu-central-1~app":       "dev/eu-central-1/app",
		"plan-dev-dev~eu-central-1~planted":   "planted", // detect planned no such unit
		"plan-dev-eu-dev-eu~eu-central-1~vpc": "other env",
		"plan-dev-dev~eu-central-1~old":       "dev/eu-central-1/old",
	}
	for name, unit := range arts {
		d := filepath.Join(work, "plan-artifacts", name)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "metadata.json"), []byte(`{"unit":"`+unit+`"}`), 0o644)
	}
	deliver := readSteps(t, "deliver.yml")
	place := stepNamed(t, deliver["apply"], "Place each unit's plan")
	out := bash(place.Run, "DETECT=detect/detect.json", "PREFIX=dev-", "TREE=live", "GITHUB_SHA=c0ffee")
	if !strings.Contains(out, "3 unit plan(s) placed") {
		t.Errorf("placing said:\n%s", out)
	}
	for _, unit := range []string{"dev/eu-central-1/vpc", "dev/eu-central-1/app", "dev/eu-central-1/old"} {
		m, err := os.ReadFile(filepath.Join(work, "plans", "units", filepath.FromSlash(unit), "metadata.json"))
		if err != nil || !strings.Contains(string(m), `"`+unit+`"`) {
			t.Errorf("%s: %v %s", unit, err, m)
		}
	}
	var placed []string
	filepath.WalkDir(filepath.Join(work, "plans", "units"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(work, "plans", "units"), p)
			placed = append(placed, filepath.ToSlash(rel))
		}
		return nil
	})
	if len(placed) != 3 {
		t.Errorf("placed %v: want only the three units detect planned", placed)
	}
	var run struct {
		Version int      `json:"version"`
		Root    string   `json:"root"`
		Commit  string   `json:"commit"`
		Base    string   `json:"base"`
		Units   []string `json:"units"`
	}
	rb, err := os.ReadFile(filepath.Join(work, "plans", "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(rb, &run); err != nil {
		t.Fatal(err)
	}
	if run.Version != 1 || run.Root != "live" || run.Commit != "c0ffee" || run.Base != "b0" ||
		strings.Join(run.Units, ",") != "dev/eu-central-1/app,dev/eu-central-1/old,dev/eu-central-1/vpc" {
		t.Errorf("run.json = %s", rb)
	}
	// Every reading job runs the same placing script.
	for _, s := range []wfStep{stepNamed(t, deliver["review"], "Place"), stepNamed(t, deliver["notify"], "Place"),
		stepNamed(t, readSteps(t, "pipeline.yml")["comment"], "Place")} {
		if s.Run != place.Run {
			t.Errorf("%s: a different placing script", s.Name)
		}
	}
}
