package validate

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/gentree"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// BenchmarkValidateGeneratedTree runs lint, policy and cost (and fmt/security when
// they are built in) on the generated 1,012-unit tree:
//
//	go test -run '^$' -bench ValidateGeneratedTree -benchtime 3x ./internal/validate/
func BenchmarkValidateGeneratedTree(b *testing.B) {
	dir := b.TempDir()
	if err := gentree.Generate(dir, gentree.Options{Envs: 46}); err != nil {
		b.Fatal(err)
	}
	repo := testenv.RepoRoot(b)
	opts := Options{
		Root: filepath.Join(dir, "live"), RepoRoot: dir,
		PolicyDirs: []string{filepath.Join(repo, "policy")},
	}
	cache := testenv.CacheDir(b)
	if only := os.Getenv("OLECHKA_BENCH_ONLY"); only != "" {
		opts.Only = []string{only}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Fresh runners each run: the trivy scanners' cache would answer a second run.
		opts.Runners = DefaultRunners(RunnerOptions{CacheDir: cache})
		cpu0 := cpuTime()
		r, err := Run(context.Background(), opts)
		cpu := cpuTime() - cpu0
		if err != nil {
			b.Fatal(err)
		}
		if r.Units != 1012 {
			b.Fatalf("%d units", r.Units)
		}
		if i == 0 {
			for _, c := range r.Checks {
				b.Logf("%-8s %-8s %5d findings %6.2fs %s", c.Name, c.Status, c.Findings, c.Duration.Seconds(), c.Note)
			}
		}
		b.Logf("run %d: %.2fs wall, %.2fs CPU (user+sys; on an idle 2-core machine wall >= CPU/2)", i+1, r.Duration.Seconds(), cpu.Seconds())
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
