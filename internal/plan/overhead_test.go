package plan

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// BenchmarkUnitOverhead measures olechka's own work for one unit of a plan, without
// OpenTofu: evaluating the unit, preparing its working directory (module copy, generated
// files, backend, inputs), and turning a real plan JSON into the masked JSON, summary and
// metadata on disk.
func BenchmarkUnitOverhead(b *testing.B) {
	tofu := testenv.Tool(b, "tofu")
	ctx := context.Background()
	root := filepath.Join(testenv.RepoRoot(b), "examples", "sandbox")
	env := map[string]string{"OLECHKA_LOCAL": "1", "OLECHKA_STATE_ENDPOINT": "http://127.0.0.1:9"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	ex, err := executor.New(ctx, executor.Options{Binary: tofu, WorkRoot: b.TempDir(), LockTimeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	e := &Env{Root: root, Exec: Tofu(ex), Getenv: getenv}
	outputs := NewOutputs()
	ev := e.Evaluator("plan", outputs)
	units := []string{"dev/eu-central-1/network", "dev/eu-central-1/storage", "dev/eu-central-1/service", "dev/eu-central-1/monitoring"}
	planJSON, err := os.ReadFile(filepath.Join("..", "artifact", "testdata", "plan.json"))
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		path := units[i%len(units)]
		u, err := ev.Unit(ctx, root, filepath.Join(root, path))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DependencyUses(root, u, outputs); err != nil {
			b.Fatal(err)
		}
		if _, err := ex.Prepare(ctx, u, io.Discard); err != nil {
			b.Fatal(err)
		}
		dir, err := artifact.NewUnitDir(out, path)
		if err != nil {
			b.Fatal(err)
		}
		p, err := artifact.ParsePlanJSON(planJSON)
		if err != nil {
			b.Fatal(err)
		}
		masked, err := artifact.MaskPlanJSON(planJSON)
		if err != nil {
			b.Fatal(err)
		}
		if err := artifact.WriteFile(filepath.Join(dir, artifact.PlanJSONFile), masked); err != nil {
			b.Fatal(err)
		}
		s := artifact.Summarize(path, artifact.ActionPlan, p)
		if err := artifact.WriteSummary(dir, s); err != nil {
			b.Fatal(err)
		}
		if err := artifact.WriteMetadata(dir, &artifact.Metadata{Unit: path, Fingerprint: u.Fingerprint}); err != nil {
			b.Fatal(err)
		}
	}
}
