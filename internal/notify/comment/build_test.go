package comment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	pt "github.com/terragrunt-olechka/olechka/internal/artifact/artifacttest"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

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

func TestBuild(t *testing.T) {
	dir := fixturePlans(t)
	res, plans, err := review.Run(context.Background(), review.Options{Plans: dir, Head: "c0ffee1234"})
	if err != nil {
		t.Fatal(err)
	}
	det := &detect.Result{Base: "base000", Head: "c0ffee1234", Units: []detect.Affected{
		{Path: "dev/eu-central-1/vpc", Action: "plan", Reasons: []string{"inputs.cidr: \"10.0.0.0/16\" -> \"10.1.0.0/16\""}},
		{Path: "dev/eu-central-1/ecs", Action: "plan", Wave: 1, Reasons: []string{"upstream dev/eu-central-1/vpc changed"}},
	}}
	in := Build(notify.Run{}, det, plans, res.Decisions, nil, nil)
	if len(in.Units) != 5 {
		t.Fatalf("%d units in the comment, want every detected and planned unit", len(in.Units))
	}
	full := Full(in)
	for _, s := range []string{
		"inputs.cidr", "upstream dev/eu-central-1/vpc changed",
		"Error: Unsupported argument", // a failed plan shows its error (and plan.log's tail)
		"skipped: dependency dev/eu-central-1/ecs did not plan",
		"♻️ `aws_rds_cluster.main` replace — **stateful**",
		"Planned with mock outputs of vpc",
		"⏸️ approval (`production`)",
		"u0 --> u2", "u2 --> u4", // vpc -> ecs -> app from the plans' depends_on
	} {
		if !strings.Contains(full, s) {
			t.Errorf("comment lacks %q", s)
		}
	}
}

func TestLoadAndWriteFiles(t *testing.T) {
	dir := fixturePlans(t)
	tmp := t.TempDir()
	findings := filepath.Join(tmp, "validate.json")
	if err := os.WriteFile(findings, []byte(`{"findings":[{"check":"policy","rule":"deny","level":"error","message":"no public buckets","unit":"dev/eu-central-1/vpc"}],
		"cost":{"currency":"USD","source":"estimate","units":[{"path":"dev/eu-central-1/vpc","source":"inputs","monthly_usd":12.5,"base_monthly_usd":10}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := Load(context.Background(), notify.Run{}, Sources{Plans: dir, Findings: findings})
	if err != nil {
		t.Fatal(err)
	}
	if in.Cost == nil || len(in.Cost.Lines) != 1 || in.Head != "c0ffee1234" {
		t.Errorf("cost = %+v, head %q: the cost report beside the findings, the plans' commit", in.Cost, in.Head)
	}
	for _, u := range in.Units {
		if u.Path == "dev/eu-central-1/vpc" && (u.Decision == nil || u.Decision.Gate != review.Blocked) {
			t.Errorf("vpc's gate = %+v, want blocked by the policy finding", u.Decision)
		}
	}
	if _, err := Load(context.Background(), notify.Run{}, Sources{Plans: filepath.Join(tmp, "none")}); err == nil || !strings.Contains(err.Error(), "nothing to comment on") {
		t.Errorf("no plans, no detect: %v", err)
	}
	files, err := WriteFiles(filepath.Join(tmp, "out", "comment.md"), in, Options{MaxChars: 4000, MaxParts: 10})
	if err != nil || len(files) < 3 || !strings.HasSuffix(files[1], "comment.part1.md") {
		t.Errorf("WriteFiles = %v, %v: the full comment and its parts", files, err)
	}
}

func TestCostOf(t *testing.T) {
	base := 10.0
	r := &cost.Report{Currency: "USD", Source: "estimate", AsOf: "2026-01", Units: []cost.UnitCost{
		{Path: "dev/a", Monthly: 12.5, Base: &base},
		{Path: "dev/b", Monthly: 3},
		{Path: "dev/c"},
	}}
	c := CostOf(r, nil)
	if len(c.Lines) != 2 || c.Lines[0].Base != 10 || c.Lines[0].Head != 12.5 || c.Source != "estimate prices as of 2026-01" {
		t.Errorf("cost = %+v", c)
	}
	if c := CostOf(r, map[string]bool{"dev/b": true}); len(c.Lines) != 1 || c.Lines[0].Name != "dev/b" {
		t.Errorf("affected only: %+v", c)
	}
}
