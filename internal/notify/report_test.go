package notify

import (
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	pt "github.com/terragrunt-olechka/olechka/internal/artifact/artifacttest"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

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
	ds := review.Decide(review.Units(plans, nil, nil, ""), review.DefaultPolicy())
	pr := PlanReport(Run{}, plans, ds)
	ar := ApplyReport(Run{}, plans, ds)
	want := map[string][2]Status{
		"dev/a": {Planned, Applied}, "dev/b": {Planned, Failed},
		"dev/c": {Planned, Blocked}, "dev/d": {Planned, Skipped}, "dev/e": {NoChanges, NoChanges},
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
