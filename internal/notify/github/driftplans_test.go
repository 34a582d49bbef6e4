package github

import (
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	pt "github.com/terragrunt-olechka/olechka/internal/artifact/artifacttest"
	"github.com/terragrunt-olechka/olechka/internal/notify"
)

func TestDriftFromPlans(t *testing.T) {
	dir := pt.Write(t, t.TempDir(), "abc",
		pt.Unit{Path: "dev/a", Env: "dev", Resources: []artifact.ResourceChange{pt.Update("aws_security_group.x")}, Drift: 1, PlanText: "  ~ update"},
		pt.Unit{Path: "dev/b", Env: "dev"},
		pt.Unit{Path: "dev/c", Env: "dev", Failed: "Error: no credentials"},
	)
	plans, _ := artifact.ReadDir(dir)
	s, rep := DriftFromPlans(notify.Run{}, plans, []string{"dev/a", "dev/b", "dev/c"})
	if len(s.Drifted) != 1 || s.Drifted[0].Path != "dev/a" || s.Drifted[0].Drift != 1 || s.Drifted[0].PlanText != "  ~ update" {
		t.Errorf("drifted = %+v", s.Drifted)
	}
	if len(s.Clean) != 1 || s.Clean[0] != "dev/b" {
		t.Errorf("clean = %v (a failed plan is neither drifted nor clean)", s.Clean)
	}
	if rep.Worst() != notify.Failed || rep.Tally()[notify.Drifted] != 1 {
		t.Errorf("report = %+v", rep)
	}
}
