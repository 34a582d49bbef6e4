package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// genTree writes a sandbox-shaped tree of chains (network -> storage -> service ->
// monitoring), chains spread over dev, staging and production and as many regions as
// needed, using the sandbox's root.hcl, _envcommon and modules. It returns the unit
// paths of the first chain.
func genTree(t testing.TB, dst string, chains int) []string {
	t.Helper()
	src := filepath.Join(testenv.RepoRoot(t), "examples", "sandbox")
	for _, f := range []string{"root.hcl", "_envcommon", "modules"} {
		copyPath(t, filepath.Join(src, f), filepath.Join(dst, f))
	}
	envs := []string{"dev", "staging", "production"}
	for _, e := range envs {
		copyPath(t, filepath.Join(src, e, "account.hcl"), filepath.Join(dst, e, "account.hcl"))
		copyPath(t, filepath.Join(src, e, "env.hcl"), filepath.Join(dst, e, "env.hcl"))
	}
	var first []string
	for c := 0; c < chains; c++ {
		env := envs[c%len(envs)]
		idx := c / len(envs)
		region := filepath.Join(dst, env, fmt.Sprintf("region-%d", idx))
		write(t, filepath.Join(region, "region.hcl"), fmt.Sprintf("locals {\n  aws_region = \"eu-central-1\"\n  cidr_index = %d\n}\n", idx))
		for _, u := range []string{"network", "storage", "service", "monitoring"} {
			copyPath(t, filepath.Join(src, "dev", "eu-central-1", u, "terragrunt.hcl"), filepath.Join(region, u, "terragrunt.hcl"))
			if c == 0 {
				first = append(first, filepath.Join(region, u))
			}
		}
	}
	return first
}

func copyPath(t testing.TB, src, dst string) {
	t.Helper()
	st, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if !st.IsDir() {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		write(t, dst, string(b))
		return
	}
	entries, _ := os.ReadDir(src)
	for _, e := range entries {
		copyPath(t, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
	}
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkPlan40 plans a 40-unit tree (10 chains of 4) with --parallelism 4 and, for
// comparison, its longest dependency chain alone. It reports the ratio, the lower bound
// max(chain, total unit time / 4) the schedule can reach, and olechka's own time per unit
// (a unit's wall time minus the time OpenTofu ran). Run with:
//
//	go test ./internal/e2e -run '^$' -bench Plan40 -benchtime 1x
func BenchmarkPlan40(b *testing.B) {
	h := newHarness(b)
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "tree")
		chain := genTree(b, dir, 10)

		chainPlans := filepath.Join(b.TempDir(), "chain")
		start := time.Now()
		if r := h.olechka(append([]string{"plan", "--out", chainPlans, "--work-dir", b.TempDir(), "--parallelism", "4", "--root", dir}, chain...)...); r.code != 0 {
			b.Fatalf("chain plan: %s", r)
		}
		tChain := time.Since(start)
		chainOwn := ownTimes(b, chainPlans)

		allPlans := filepath.Join(b.TempDir(), "all")
		start = time.Now()
		if r := h.olechka("plan", "--out", allPlans, "--work-dir", b.TempDir(), "--parallelism", "4", "--all", dir); r.code != 0 {
			ps, _ := artifact.ReadDir(allPlans)
			for _, p := range ps {
				if p.Metadata.Status == artifact.StatusFailed {
					log, _ := os.ReadFile(p.File(artifact.PlanLogFile))
					b.Logf("%s failed: %s\n%s", p.Metadata.Unit, p.Metadata.Error, log)
				}
			}
			b.Fatalf("40-unit plan: %s", r)
		}
		tAll := time.Since(start)

		ps, err := artifact.ReadDir(allPlans)
		if err != nil || len(ps) != 40 {
			b.Fatalf("%d plans, %v", len(ps), err)
		}
		var own []time.Duration
		var sum time.Duration
		for _, p := range ps {
			d := time.Duration(p.Metadata.Duration)
			sum += d
			own = append(own, d-time.Duration(p.Metadata.ToolDuration))
		}
		sort.Slice(own, func(i, j int) bool { return own[i] < own[j] })
		var ownSum time.Duration
		for _, o := range own {
			ownSum += o
		}
		bound := tChain
		if sum/4 > bound {
			bound = sum / 4
		}
		b.ReportMetric(tChain.Seconds(), "chain-s")
		b.ReportMetric(tAll.Seconds(), "all40-s")
		b.ReportMetric(tAll.Seconds()/tChain.Seconds(), "all/chain")
		b.ReportMetric(tAll.Seconds()/bound.Seconds(), "all/bound")
		b.ReportMetric(float64(ownSum.Microseconds())/40/1000, "own-ms/unit")
		b.ReportMetric(float64(own[len(own)*9/10].Microseconds())/1000, "own-p90-ms")
		b.ReportMetric(float64(mean(chainOwn).Microseconds())/1000, "chain-own-ms/unit")
		b.Logf("olechka's own time per unit in the chain run alone: mean %s", mean(chainOwn).Round(100*time.Microsecond))
		b.Logf("chain of 4 alone: %s; 40 units at parallelism 4: %s (%.2fx); sum of unit times %s, bound max(chain, sum/4) = %s (%.2fx of it); olechka's own time per unit: mean %s, median %s, p90 %s, max %s",
			tChain.Round(time.Millisecond), tAll.Round(time.Millisecond), tAll.Seconds()/tChain.Seconds(), sum.Round(time.Millisecond),
			bound.Round(time.Millisecond), tAll.Seconds()/bound.Seconds(), (ownSum / 40).Round(100*time.Microsecond),
			own[len(own)/2].Round(100*time.Microsecond), own[len(own)*9/10].Round(100*time.Microsecond), own[len(own)-1].Round(100*time.Microsecond))
	}
}

// ownTimes returns, per planned unit, its wall time minus the time OpenTofu ran.
func ownTimes(b *testing.B, dir string) []time.Duration {
	ps, err := artifact.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var out []time.Duration
	for _, p := range ps {
		out = append(out, time.Duration(p.Metadata.Duration-p.Metadata.ToolDuration))
	}
	return out
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var s time.Duration
	for _, d := range ds {
		s += d
	}
	return s / time.Duration(len(ds))
}
