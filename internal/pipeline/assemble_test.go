package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	pt "github.com/terragrunt-olechka/olechka/internal/pipeline/pipelinetest"
	"github.com/terragrunt-olechka/olechka/internal/review"
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

func TestReviewAndComment(t *testing.T) {
	dir := fixturePlans(t)
	res, plans, err := Review(context.Background(), ReviewOptions{Plans: dir, Head: "c0ffee1234"})
	if err != nil {
		t.Fatal(err)
	}
	gates := map[string]review.Gate{}
	for _, d := range res.Decisions {
		gates[d.Unit] = d.Gate
	}
	want := map[string]review.Gate{
		"dev/eu-central-1/vpc": review.Auto, "dev/eu-central-1/ecs": review.Blocked, "dev/eu-central-1/app": review.Blocked,
		"production/eu-central-1/aurora": review.Manual, "production/eu-central-1/kms": review.Auto,
	}
	for u, g := range want {
		if gates[u] != g {
			t.Errorf("%s: gate %s, want %s", u, gates[u], g)
		}
	}
	if len(res.Groups) != 2 || res.Groups[0].Env != "dev" || res.Groups[1].Environment != "production" || res.Groups[1].UnitsArg != "production/eu-central-1/aurora" {
		t.Errorf("groups = %+v", res.Groups)
	}

	det := &Detected{Base: "base000", Head: "c0ffee1234", Units: []DetectedUnit{
		{Path: "dev/eu-central-1/vpc", Action: "plan", Reasons: []string{"inputs.cidr: \"10.0.0.0/16\" -> \"10.1.0.0/16\""}},
		{Path: "dev/eu-central-1/ecs", Action: "plan", Wave: 1, Reasons: []string{"upstream dev/eu-central-1/vpc changed"}},
	}}
	in := CommentInput(notify.Run{}, det, plans, res.Decisions, nil, nil)
	if len(in.Units) != 5 {
		t.Fatalf("%d units in the comment, want every detected and planned unit", len(in.Units))
	}
	full := comment.Full(in)
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

func TestReports(t *testing.T) {
	dir := pt.Write(t, t.TempDir(), "abc",
		pt.Unit{Path: "dev/a", Env: "dev", Resources: []artifact.ResourceChange{pt.Create("x.y")}, Applied: "applied"},
		pt.Unit{Path: "dev/b", Env: "dev", Resources: []artifact.ResourceChange{pt.Create("x.y")}, Applied: "failed", ApplyError: "Error: timeout\nmore"},
		pt.Unit{Path: "dev/c", Env: "dev", Resources: []artifact.ResourceChange{pt.Create("x.y")}, Applied: "refused", ApplyError: "stale"},
		pt.Unit{Path: "dev/d", Env: "dev", Resources: []artifact.ResourceChange{pt.Create("x.y")}},
		pt.Unit{Path: "dev/e", Env: "dev"},
	)
	plans, err := artifact.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds := review.Decide(ReviewUnits(plans, nil, nil, ""), review.DefaultPolicy())
	pr := PlanReport(notify.Run{}, plans, ds)
	ar := ApplyReport(notify.Run{}, plans, ds)
	want := map[string][2]notify.Status{
		"dev/a": {notify.Planned, notify.Applied}, "dev/b": {notify.Planned, notify.Failed},
		"dev/c": {notify.Planned, notify.Blocked}, "dev/d": {notify.Planned, notify.Skipped}, "dev/e": {notify.NoChanges, notify.NoChanges},
	}
	for i, u := range pr.Units {
		w := want[u.Path]
		if u.Status != w[0] || ar.Units[i].Status != w[1] {
			t.Errorf("%s: plan %s apply %s, want %v", u.Path, u.Status, ar.Units[i].Status, w)
		}
	}
	if ar.Units[1].Message != "Error: timeout" {
		t.Errorf("failure message = %q", ar.Units[1].Message)
	}
}

func TestDriftSync(t *testing.T) {
	dir := pt.Write(t, t.TempDir(), "abc",
		pt.Unit{Path: "dev/a", Env: "dev", Resources: []artifact.ResourceChange{pt.Update("aws_security_group.x")}, Drift: 1, PlanText: "  ~ update"},
		pt.Unit{Path: "dev/b", Env: "dev"},
		pt.Unit{Path: "dev/c", Env: "dev", Failed: "Error: no credentials"},
	)
	plans, _ := artifact.ReadDir(dir)
	s, rep := DriftSync(notify.Run{}, plans, []string{"dev/a", "dev/b", "dev/c"})
	if len(s.Drifted) != 1 || s.Drifted[0].Unit != "dev/a" || s.Drifted[0].Drift != 1 || s.Drifted[0].PlanText != "  ~ update" {
		t.Errorf("drifted = %+v", s.Drifted)
	}
	if len(s.Clean) != 1 || s.Clean[0] != "dev/b" {
		t.Errorf("clean = %v (a failed plan is neither drifted nor clean)", s.Clean)
	}
	if rep.Worst() != notify.Failed || rep.Tally()[notify.Drifted] != 1 {
		t.Errorf("report = %+v", rep)
	}
}

func TestReadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if fs, err := ReadFindings(write("a.json", `[{"check":"policy","rule":"deny","level":"error","message":"m","unit":"dev/a"}]`)); err != nil || len(fs) != 1 || fs[0].Unit != "dev/a" {
		t.Errorf("array: %v %v", fs, err)
	}
	if fs, err := ReadFindings(write("b.json", `{"findings":[],"summary":{}}`)); err != nil || len(fs) != 0 {
		t.Errorf("object: %v %v", fs, err)
	}
	if _, err := ReadFindings(write("c.json", `{"other":1}`)); err == nil {
		t.Error("a file without findings was accepted")
	}
	c, err := ReadCost(write("cost.json", `{"cost":{"currency":"USD","source":"estimate","units":[{"path":"dev/a","source":"inputs","monthly_usd":12.5,"base_monthly_usd":10}]}}`))
	if err != nil || len(c.Units) != 1 || *c.Units[0].Base != 10 {
		t.Fatalf("cost: %+v %v", c, err)
	}
	cc := CommentCost(c, nil)
	if len(cc.Lines) != 1 || cc.Lines[0].Base != 10 || cc.Lines[0].Head != 12.5 {
		t.Errorf("comment cost = %+v", cc)
	}
	if d, err := ReadDetect(write("d.json", `{"base":"a","head":"b","units":[{"path":"dev/a","action":"plan","wave":0,"reasons":["unit added"]}]}`)); err != nil || d.Units[0].Reasons[0] != "unit added" {
		t.Errorf("detect: %+v %v", d, err)
	}
}
