package cli

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/detect"
)

func TestPlanJobsFlags(t *testing.T) {
	cases := []struct {
		name    string
		o       planOptions
		errPart string
		root    string
	}{
		{name: "tree as PATH", o: planOptions{jobsFile: "d.json", job: 0, args: []string{"live"}}, root: "live"},
		{name: "tree as --root", o: planOptions{jobsFile: "d.json", job: 2, root: "live"}, root: "live"},
		{name: "default root", o: planOptions{jobsFile: "d.json", job: 0}, root: "."},
		{name: "no --job", o: planOptions{jobsFile: "d.json", job: -1}, errPart: "needs --job N"},
		{name: "with --all", o: planOptions{jobsFile: "d.json", all: true}, errPart: "--all or --changed"},
		{name: "with --destroy", o: planOptions{jobsFile: "d.json", destroy: true}, errPart: "--destroy"},
		{name: "two paths", o: planOptions{jobsFile: "d.json", args: []string{"a", "b"}}, errPart: "one PATH"},
		{name: "path and root", o: planOptions{jobsFile: "d.json", root: "x", args: []string{"a"}}, errPart: "either as PATH or as --root"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			units, err := c.o.validate()
			if c.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), c.errPart) {
					t.Fatalf("err %v, want one containing %q", err, c.errPart)
				}
				return
			}
			if err != nil || units != nil || c.o.root != c.root {
				t.Fatalf("units %v, root %q, err %v; want root %q", units, c.o.root, err, c.root)
			}
		})
	}
}

// TestPlanJobUnits: a job of head units plans them; a job of removed units destroys
// them from the file's base commit; both record the run-wide waves.
func TestPlanJobUnits(t *testing.T) {
	res := &detect.Result{Base: strings.Repeat("a", 40), Head: strings.Repeat("b", 40), Units: []detect.Affected{
		{Path: "dev/eu/vpc", Action: detect.ActionPlan, Wave: 0, AccountID: "1", Region: "eu"},
		{Path: "dev/eu/app", Action: detect.ActionPlan, Wave: 1, AccountID: "1", Region: "eu"},
		{Path: "dev/eu/old", Action: detect.ActionDestroy, Wave: 2, AccountID: "1", Region: "eu"},
	}}
	var err error
	if res.Jobs, err = res.Pack(detect.PackOptions{}); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "detect.json")
	b, _ := json.Marshal(res)
	os.WriteFile(f, b, 0o644)
	app := &App{Stderr: io.Discard}

	o := planOptions{jobsFile: f, job: 0}
	units, removed, base, err := o.jobUnits(app)
	if err != nil || strings.Join(units, ",") != "dev/eu/vpc,dev/eu/app" || removed != nil || base != "" || o.waves["dev/eu/app"] != 1 {
		t.Fatalf("job 0: units %v removed %v base %q waves %v err %v", units, removed, base, o.waves, err)
	}
	o = planOptions{jobsFile: f, job: 1}
	units, removed, base, err = o.jobUnits(app)
	if err != nil || units != nil || strings.Join(removed, ",") != "dev/eu/old" || base != res.Base || o.waves["dev/eu/old"] != 2 {
		t.Fatalf("job 1: units %v removed %v base %q waves %v err %v", units, removed, base, o.waves, err)
	}
	o = planOptions{jobsFile: f, job: 5}
	if _, _, _, err := o.jobUnits(app); err == nil || !strings.Contains(err.Error(), "--jobs: ") {
		t.Fatalf("err %v", err)
	}
}
