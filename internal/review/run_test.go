package review

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	pt "github.com/terragrunt-olechka/olechka/internal/artifact/artifacttest"
)

// fixturePlans is a plan folder with a planned, a failed, a skipped, a destructive and
// an empty plan.
func fixturePlans(t *testing.T) string {
	return pt.Write(t, t.TempDir(), "c0ffee1234",
		pt.Unit{Path: "dev/eu-central-1/vpc", Env: "dev", Tier: "dev", AccountID: "111111111111", Resources: []artifact.ResourceChange{pt.Update("aws_vpc.main")}},
		pt.Unit{Path: "dev/eu-central-1/ecs", Env: "dev", Tier: "dev", AccountID: "111111111111", Wave: 1, DependsOn: []string{"dev/eu-central-1/vpc"},
			Failed: "Error: Unsupported argument\n  on main.tf line 3"},
		pt.Unit{Path: "dev/eu-central-1/app", Env: "dev", Tier: "dev", AccountID: "111111111111", Wave: 2, DependsOn: []string{"dev/eu-central-1/ecs"}, Skipped: "dev/eu-central-1/ecs"},
		pt.Unit{Path: "production/eu-central-1/aurora", Env: "production", Tier: "production", AccountID: "333333333333", Wave: 1,
			Resources: []artifact.ResourceChange{pt.Replace("aws_rds_cluster.main"), pt.Create("aws_db_parameter_group.p")}, Mocked: []string{"vpc"}},
		pt.Unit{Path: "production/eu-central-1/kms", Env: "production", Tier: "production", AccountID: "333333333333"},
	)
}

func TestRun(t *testing.T) {
	dir := fixturePlans(t)
	res, plans, err := Run(context.Background(), Options{Plans: dir, Head: "c0ffee1234"})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 5 {
		t.Errorf("%d plans read, want 5", len(plans))
	}
	gates := map[string]Gate{}
	for _, d := range res.Decisions {
		gates[d.Unit] = d.Gate
	}
	want := map[string]Gate{
		"dev/eu-central-1/vpc": Auto, "dev/eu-central-1/ecs": Blocked, "dev/eu-central-1/app": Blocked,
		"production/eu-central-1/aurora": Manual, "production/eu-central-1/kms": Auto,
	}
	for u, g := range want {
		if gates[u] != g {
			t.Errorf("%s: gate %s, want %s", u, gates[u], g)
		}
	}
	if len(res.Groups) != 2 || res.Groups[0].Env != "dev" || res.Groups[1].Environment != "production" || res.Groups[1].UnitsArg != "production/eu-central-1/aurora" {
		t.Errorf("groups = %+v", res.Groups)
	}

	// review.json round-trips, and Decisions reads it (or reviews the plans without one).
	file := filepath.Join(t.TempDir(), "review.json")
	if err := artifact.WriteJSONFile(file, res); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResult(file)
	if err != nil || len(back.Decisions) != 5 || back.Summary[Blocked] != 2 {
		t.Fatalf("ReadResult = %+v, %v", back, err)
	}
	ds, err := Decisions(file, nil, nil, "")
	if err != nil || len(ds) != 5 {
		t.Errorf("Decisions(file) = %d, %v", len(ds), err)
	}
	ds, err = Decisions("", plans, nil, "another")
	if err != nil || len(ds) != 5 || ds[0].Gate != Blocked {
		t.Errorf("Decisions(plans, head another) = %+v, %v (a plan of another commit is blocked)", ds, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("[1]"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResult(bad); err == nil {
		t.Error("a file that is not review's output was accepted")
	}
}
