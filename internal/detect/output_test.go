package detect_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
)

func manyUnits(n, waves int) *detect.Result {
	res := &detect.Result{Base: strings.Repeat("a", 40), Head: strings.Repeat("b", 40)}
	for i := 0; i < n; i++ {
		res.Units = append(res.Units, detect.Affected{
			Path: fmt.Sprintf("env/region/unit-%04d", i), Action: detect.ActionPlan,
			Wave: i * waves / n, Env: "dev", Region: "eu-central-1", Tier: "dev", AccountID: "111111111111",
			Reasons: []string{"inputs.x: 1 -> 2"},
		})
	}
	return res
}

// parseOutputs reads $GITHUB_OUTPUT's heredoc syntax back.
func parseOutputs(t *testing.T, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		name, delim, ok := strings.Cut(sc.Text(), "<<")
		if !ok {
			t.Fatalf("line %q is not heredoc syntax", sc.Text())
		}
		var lines []string
		for sc.Scan() && sc.Text() != delim {
			lines = append(lines, sc.Text())
		}
		if _, dup := out[name]; dup {
			t.Fatalf("output %s written twice", name)
		}
		out[name] = strings.Join(lines, "\n")
	}
	return out
}

func TestGitHubOutputBatches(t *testing.T) {
	res := manyUnits(600, 3)
	var b bytes.Buffer
	if err := res.WriteGitHubOutput(&b, 0, false); err != nil {
		t.Fatal(err)
	}
	out := parseOutputs(t, b.String())
	if out["has-changes"] != "true" || out["any"] != "true" || out["count"] != "600" || out["batches"] != "3" || out["waves"] != "3" {
		t.Fatalf("outputs: has-changes=%s any=%s count=%s batches=%s waves=%s", out["has-changes"], out["any"], out["count"], out["batches"], out["waves"])
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		var m struct {
			Include []map[string]any `json:"include"`
		}
		if err := json.Unmarshal([]byte(out[fmt.Sprintf("matrix-%d", i)]), &m); err != nil {
			t.Fatal(err)
		}
		if len(m.Include) > detect.MaxJobs || len(m.Include) == 0 {
			t.Fatalf("matrix-%d has %d jobs", i, len(m.Include))
		}
		for _, e := range m.Include {
			for _, k := range []string{"unit", "env", "tier", "region", "account_id", "wave", "action"} {
				if _, ok := e[k]; !ok {
					t.Fatalf("matrix entry lacks %q: %v", k, e)
				}
			}
			seen[e["unit"].(string)] = true
		}
	}
	if len(seen) != 600 {
		t.Fatalf("%d distinct units across batches, want 600", len(seen))
	}
	if out["matrix"] != out["matrix-0"] {
		t.Error("matrix must alias matrix-0")
	}

	// Split by wave: no matrix holds two waves.
	b.Reset()
	if err := res.WriteGitHubOutput(&b, 100, true); err != nil {
		t.Fatal(err)
	}
	out = parseOutputs(t, b.String())
	if out["batches"] != "6" { // three waves of 200 units, two batches of 100 each
		t.Errorf("batches = %s, want 6", out["batches"])
	}
	for name, v := range out {
		if !strings.HasPrefix(name, "matrix-") {
			continue
		}
		var m detect.Matrix
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			t.Fatal(err)
		}
		if len(m.Include) > 100 {
			t.Errorf("%s has %d jobs, more than --batch-size", name, len(m.Include))
		}
		for _, e := range m.Include {
			if e.Wave != m.Include[0].Wave {
				t.Errorf("%s mixes waves %d and %d", name, m.Include[0].Wave, e.Wave)
			}
		}
	}
}

func TestGitHubOutputNoChanges(t *testing.T) {
	res := &detect.Result{Base: "a", Head: "b", Units: []detect.Affected{}}
	var b bytes.Buffer
	if err := res.WriteGitHubOutput(&b, 0, false); err != nil {
		t.Fatal(err)
	}
	out := parseOutputs(t, b.String())
	if out["has-changes"] != "false" || out["batches"] != "0" || out["matrix"] != `{"include":[]}` {
		t.Fatalf("outputs %v", out)
	}
	if _, ok := out["matrix-0"]; ok {
		t.Error("no batches means no matrix-0")
	}
}

func TestSummary(t *testing.T) {
	res := manyUnits(2, 1)
	res.Units[0].Reasons = []string{"inputs.a: \"x|y\" -> \"z\""}
	res.Units = append(res.Units, detect.Affected{Path: "old", Action: detect.ActionDestroy, Wave: 1, Reasons: []string{"removed"}})
	var err error
	if res.Jobs, err = res.Pack(detect.PackOptions{UnitsPerJob: 1}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteSummary(&b); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"### olechka detect: 2 units to plan, 1 unit to destroy",
		"3 units packed into 3 plan jobs (one OIDC role and region each, at most 1 unit;",
		"| 2 | destroy | - | - | - | 1 | 1 |", "| 0 | plan | `env/region/unit-0000` | 0 |", `\|y`, "| 1 | destroy | `old` | 2 | - | - | removed |"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	b.Reset()
	if err := res.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "destroy  old") {
		t.Errorf("text:\n%s", b.String())
	}
}

// Messages name the head with artifact.ShortID: the working tree's name must survive it.
func TestShortIDKeepsWorkingTree(t *testing.T) {
	if got := artifact.ShortID(detect.WorkingTree); got != detect.WorkingTree {
		t.Errorf("artifact.ShortID(%q) = %q: messages would cut the working tree's name", detect.WorkingTree, got)
	}
}
