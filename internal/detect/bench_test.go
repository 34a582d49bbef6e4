package detect_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/gentree"
)

// benchRepo commits a generated 1,012-unit tree, then one change on a branch.
func benchRepo(b *testing.B, change func(r *repo)) *repo {
	b.Helper()
	r := newRepo(b, nil)
	if err := gentree.Generate(r.dir, gentree.Options{Envs: 46}); err != nil {
		b.Fatal(err)
	}
	r.commit("tree")
	r.git("checkout", "-q", "-b", "change")
	change(r)
	r.commit("change")
	return r
}

func benchDetect(b *testing.B, change func(r *repo), wantUnits int, full bool) {
	r := benchRepo(b, change)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := detect.Run(ctx, detect.Options{Root: filepath.Join(r.dir, "live"), Full: full})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Units) != wantUnits {
			b.Fatalf("got %d affected units, want %d", len(res.Units), wantUnits)
		}
		b.ReportMetric(float64(res.Stats.BaseEvaluated), "base-units")
	}
}

// BenchmarkDetect: one unit's inputs edited in a 1,012-unit tree (the unit and its
// two dependents are affected). Both commits are evaluated: head in full, base for
// the units whose files changed.
func BenchmarkDetect(b *testing.B) {
	benchDetect(b, editOneUnit, 3, false)
}

// BenchmarkDetectFull is the same change with every unit evaluated at both commits.
func BenchmarkDetectFull(b *testing.B) {
	benchDetect(b, editOneUnit, 3, true)
}

// BenchmarkDetectEnvFile: one env's env.hcl edited (22 units of 1,012 affected).
func BenchmarkDetectEnvFile(b *testing.B) {
	benchDetect(b, func(r *repo) {
		r.editRe("live/production/env.hcl", `(backup_retention_days\s*=\s*)30`, "${1}35")
	}, 22, false)
}

// BenchmarkDetectRoot: root.hcl edited, so every unit is affected.
func BenchmarkDetectRoot(b *testing.B) {
	benchDetect(b, func(r *repo) {
		r.edit("live/root.hcl", `"terraform-locks"`, `"tofu-locks"`)
	}, 1012, false)
}

func editOneUnit(r *repo) {
	r.edit("live/production/eu-central-1/aurora/terragrunt.hcl", `"ai-tools-aurora"`, `"ai-tools-db"`)
}
