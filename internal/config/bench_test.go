package config_test

import (
	"context"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/gentree"
)

// BenchmarkTree1000 evaluates a generated, spec-shaped tree of 1,012 units.
func BenchmarkTree1000(b *testing.B) {
	dir := b.TempDir()
	if err := gentree.Generate(dir, gentree.Options{Envs: 46}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := config.NewEvaluator(config.Options{RepoRoot: dir})
		t, err := e.Tree(context.Background(), dir+"/live")
		if err != nil {
			b.Fatal(err)
		}
		if len(t.Errors) > 0 {
			b.Fatal(t.Errors[0])
		}
		if len(t.Units) != 1012 {
			b.Fatalf("got %d units", len(t.Units))
		}
	}
}
