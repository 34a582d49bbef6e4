package detect_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/detect"
)

// unitsOf builds a result from "account/region/action/wave/env" specs, one unit each.
func unitsOf(specs ...string) *detect.Result {
	res := &detect.Result{Base: strings.Repeat("a", 40), Head: strings.Repeat("b", 40)}
	for i, s := range specs {
		f := strings.Split(s, "/")
		var wave int
		fmt.Sscan(f[3], &wave)
		res.Units = append(res.Units, detect.Affected{Path: fmt.Sprintf("%s/%s/u%03d", f[4], f[1], i),
			AccountID: f[0], Region: f[1], Action: f[2], Wave: wave, Env: f[4]})
	}
	return res
}

func repeat(n int, s string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestPack(t *testing.T) {
	type want struct {
		sizes   []int    // units per job, in job order
		keys    []string // account/region/action per job
		depths  []int    // fetch depth per job (nil: all 1)
		envs    []string // env per job (nil: not checked)
		errPart string
	}
	cases := []struct {
		name  string
		units []string
		opts  detect.PackOptions
		want  want
	}{
		{name: "nothing affected", want: want{}},
		{name: "one group under the size is one job", units: repeat(5, "111/eu/plan/0/dev"),
			want: want{sizes: []int{5}, keys: []string{"111/eu/plan"}, envs: []string{"dev"}}},
		{name: "default size splits 40 units into 3 jobs of nearly equal size", units: repeat(40, "111/eu/plan/0/dev"),
			want: want{sizes: []int{14, 13, 13}, keys: []string{"111/eu/plan", "111/eu/plan", "111/eu/plan"}}},
		{name: "units per job", units: repeat(10, "111/eu/plan/0/dev"), opts: detect.PackOptions{UnitsPerJob: 4},
			want: want{sizes: []int{4, 3, 3}, keys: []string{"111/eu/plan", "111/eu/plan", "111/eu/plan"}}},
		{name: "target job count", units: repeat(10, "111/eu/plan/0/dev"), opts: detect.PackOptions{TargetJobs: 2},
			want: want{sizes: []int{5, 5}, keys: []string{"111/eu/plan", "111/eu/plan"}}},
		{name: "units per job wins over the target", units: repeat(10, "111/eu/plan/0/dev"), opts: detect.PackOptions{UnitsPerJob: 10, TargetJobs: 5},
			want: want{sizes: []int{10}, keys: []string{"111/eu/plan"}}},
		{name: "accounts and regions never share a job",
			units: []string{"111/eu/plan/0/dev", "222/eu/plan/0/prod", "111/ap/plan/0/dev", "111/eu/plan/1/dev", "222/eu/plan/1/prod"},
			want:  want{sizes: []int{2, 2, 1}, keys: []string{"111/eu/plan", "222/eu/plan", "111/ap/plan"}, envs: []string{"dev", "prod", "dev"}}},
		{name: "two envs in one account and region share a job, with no env",
			units: []string{"111/eu/plan/0/dev", "111/eu/plan/0/staging"},
			want:  want{sizes: []int{2}, keys: []string{"111/eu/plan"}, envs: []string{""}}},
		{name: "waves share a job (plans read dependencies' state)",
			units: []string{"111/eu/plan/0/dev", "111/eu/plan/1/dev", "111/eu/plan/2/dev"},
			want:  want{sizes: []int{3}, keys: []string{"111/eu/plan"}}},
		{name: "removed units get their own jobs, last, with the full history",
			units: []string{"111/eu/plan/0/dev", "111/eu/destroy/1/dev", "111/eu/plan/0/dev", "111/eu/destroy/2/dev"},
			want:  want{sizes: []int{2, 2}, keys: []string{"111/eu/plan", "111/eu/destroy"}, depths: []int{1, 0}}},
		{name: "a tiny size is raised to fit one matrix", units: repeat(600, "111/eu/plan/0/dev"), opts: detect.PackOptions{UnitsPerJob: 1},
			want: want{sizes: repeat3(200, 3), keys: repeatS(200, "111/eu/plan")}}, // 2 per job would be 300 jobs
		{name: "negative size", units: repeat(3, "111/eu/plan/0/dev"), opts: detect.PackOptions{UnitsPerJob: -1},
			want: want{errPart: "must not be negative"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := unitsOf(c.units...)
			jobs, err := res.Pack(c.opts)
			if c.want.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), c.want.errPart) {
					t.Fatalf("err %v, want one containing %q", err, c.want.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != len(c.want.sizes) {
				t.Fatalf("%d jobs, want %d: %+v", len(jobs), len(c.want.sizes), jobs)
			}
			seen := map[string]int{}
			for i, j := range jobs {
				if j.ID != i {
					t.Errorf("job %d has id %d", i, j.ID)
				}
				if len(j.Units) != c.want.sizes[i] || len(j.Waves) != len(j.Units) {
					t.Errorf("job %d: %d units, %d waves; want %d units", i, len(j.Units), len(j.Waves), c.want.sizes[i])
				}
				if k := j.AccountID + "/" + j.Region + "/" + j.Action; k != c.want.keys[i] {
					t.Errorf("job %d is %s, want %s", i, k, c.want.keys[i])
				}
				depth := 1
				if c.want.depths != nil {
					depth = c.want.depths[i]
				}
				if j.FetchDepth != depth {
					t.Errorf("job %d: fetch depth %d, want %d", i, j.FetchDepth, depth)
				}
				if c.want.envs != nil && j.Env != c.want.envs[i] {
					t.Errorf("job %d: env %q, want %q", i, j.Env, c.want.envs[i])
				}
				for k, p := range j.Units {
					seen[p]++
					for _, u := range res.Units {
						if u.Path == p && (u.AccountID != j.AccountID || u.Region != j.Region || u.Action != j.Action || u.Wave != j.Waves[k]) {
							t.Errorf("job %d holds %s (%s/%s/%s wave %d) with wave %d", i, p, u.AccountID, u.Region, u.Action, u.Wave, j.Waves[k])
						}
					}
				}
			}
			for _, u := range res.Units {
				if seen[u.Path] != 1 {
					t.Errorf("%s is in %d jobs, want 1", u.Path, seen[u.Path])
				}
			}
		})
	}
}

func repeat3(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func repeatS(n int, s string) []string { return repeat(n, s) }

// TestPackKeepsRunOrder: a job's units are consecutive in run order, so one job holds
// mostly one wave (units of one wave plan in parallel inside the job).
func TestPackKeepsRunOrder(t *testing.T) {
	res := manyUnits(64, 4) // 4 waves of 16, one account and region
	jobs, err := res.Pack(detect.PackOptions{UnitsPerJob: 16})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 4 {
		t.Fatalf("%d jobs, want 4", len(jobs))
	}
	for i, j := range jobs {
		for _, w := range j.Waves {
			if w != i {
				t.Fatalf("job %d holds waves %v, want only wave %d", i, j.Waves, i)
			}
		}
	}
}

func TestPackTooManyGroups(t *testing.T) {
	var specs []string
	for i := range detect.MaxJobs + 1 {
		specs = append(specs, fmt.Sprintf("%012d/eu/plan/0/dev", i))
	}
	if _, err := unitsOf(specs...).Pack(detect.PackOptions{}); err == nil || !strings.Contains(err.Error(), "257 account/region groups") {
		t.Fatalf("err %v, want the group count named", err)
	}
}

func TestJobOutputsAndReadJob(t *testing.T) {
	res := unitsOf("111/eu/plan/0/dev", "111/eu/plan/1/dev", "111/eu/destroy/2/dev")
	jobs, err := res.Pack(detect.PackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res.Jobs = jobs
	var b bytes.Buffer
	if err := detect.WriteJobOutputs(&b, jobs); err != nil {
		t.Fatal(err)
	}
	out := parseOutputs(t, b.String())
	if out["job-count"] != "2" {
		t.Fatalf("job-count %q", out["job-count"])
	}
	var m detect.JobsMatrix
	if err := json.Unmarshal([]byte(out["jobs"]), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Include) != 2 || m.Include[0].Units != 2 || m.Include[1].Action != detect.ActionDestroy || m.Include[1].FetchDepth != 0 || m.Include[0].FetchDepth != 1 {
		t.Fatalf("matrix %+v", m)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "detect.json")
	raw, _ := json.Marshal(res)
	os.WriteFile(file, raw, 0o644)
	p, err := detect.ReadJob(file, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Base != res.Base || p.Action != detect.ActionDestroy || len(p.Units) != 1 || p.Wave[p.Units[0]] != 2 {
		t.Fatalf("job 1: %+v", p)
	}

	bad := []struct {
		name, content string
		id            int
		errPart       string
	}{
		{"no job", string(raw), 2, "no job 2 (it has 2: 0..1)"},
		{"no jobs key", `{"base":"a","units":[]}`, 0, `has no "jobs"`},
		{"not json", `{`, 0, "detect.json"},
		{"waves missing", `{"jobs":[{"id":0,"action":"plan","units":["a"],"waves":[]}]}`, 0, "1 units and 0 waves"},
		{"unknown action", `{"jobs":[{"id":0,"action":"apply","units":["a"],"waves":[0]}]}`, 0, `unknown action "apply"`},
		{"destroy without base", `{"jobs":[{"id":0,"action":"destroy","units":["a"],"waves":[0]}]}`, 0, "no base commit"},
		{"id mismatch", `{"jobs":[{"id":3,"action":"plan","units":["a"],"waves":[0]}]}`, 0, "has id 3"},
	}
	for _, c := range bad {
		f := filepath.Join(dir, "detect.json")
		os.WriteFile(f, []byte(c.content), 0o644)
		if _, err := detect.ReadJob(f, c.id); err == nil || !strings.Contains(err.Error(), c.errPart) {
			t.Errorf("%s: err %v, want one containing %q", c.name, err, c.errPart)
		}
	}
}

func TestOnlyEnv(t *testing.T) {
	res := unitsOf("111/eu/plan/0/dev", "222/eu/plan/0/prod", "111/ap/plan/1/dev")
	res.OnlyEnv("dev")
	if len(res.Units) != 2 || res.Units[0].Env != "dev" || res.Units[1].Env != "dev" {
		t.Fatalf("units %+v", res.Units)
	}
}
