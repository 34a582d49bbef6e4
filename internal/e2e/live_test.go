package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/cli"
	"github.com/terragrunt-olechka/olechka/internal/state"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// LiveEnv enables TestLivePipeline: the whole of live/ (62 units) through the pipeline
// takes tens of minutes on two cores, too long for every `go test ./...`.
// `make demo` runs the same flow.
const LiveEnv = "OLECHKA_E2E_LIVE"

// TestLivePipeline runs the real platform through olechka's pipeline in local mode:
// the embedded state store, real OpenTofu and the AWS simulator from the tool cache.
// A fresh copy of live/ + modules/ is delivered (several plan -> apply rounds, as
// dependents plan on mocks until their dependencies exist), a second run finds no
// changes, and pull-request-like commits (production backup retention 30 -> 35, an
// _envcommon edit, a module edit) plan changes in exactly the units they affect.
func TestLivePipeline(t *testing.T) {
	if os.Getenv(LiveEnv) != "1" {
		t.Skipf("set %s=1 to run live/ end to end (tens of minutes; make demo runs it too)", LiveEnv)
	}
	testenv.Tool(t, "tofu")
	testenv.File(t, "tofurc")
	testenv.File(t, "providers/registry.opentofu.org/hashicorp/aws/6.66.0/linux_amd64/terraform-provider-aws_v6.66.0")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Minute)
	defer cancel()
	srv, err := state.Serve(ctx, state.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	repo := t.TempDir()
	src := testenv.RepoRoot(t)
	for _, d := range []string{"live", "modules", "cmd/alarm-forwarder", "internal/alarm"} {
		copyDir(t, filepath.Join(src, d), filepath.Join(repo, d))
	}
	gitIn := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=e2e", "-c", "user.email=e2e@example.com"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitIn("init", "-q", "-b", "main")
	gitIn("add", ".")
	gitIn("commit", "-qm", "live")

	t.Setenv("OLECHKA_LOCAL", "1")
	t.Setenv("OLECHKA_STATE_ENDPOINT", srv.URL())
	t.Setenv("OLECHKA_CACHE", testenv.CacheDir(t))
	t.Setenv("OLECHKA_LOCK_ENDPOINT", "")
	live := filepath.Join(repo, "live")
	work := t.TempDir()
	olechka := func(args ...string) run {
		var out, errb bytes.Buffer
		code := cli.Main(ctx, cli.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: os.Getenv}, args)
		return run{stdout: out.String(), stderr: errb.String(), code: code}
	}

	// 1. Deliver everything: pipeline rounds until one succeeds.
	rounds := 0
	for ; rounds < 8; rounds++ {
		r := olechka("pipeline", "--local", "--auto-approve", "--all", "--work-dir", work, "--out", filepath.Join(t.TempDir(), "run"), live)
		if r.code == 0 {
			break
		}
		if rounds == 7 {
			t.Fatalf("live/ did not converge in 8 pipeline runs; last: %s", r)
		}
	}
	t.Logf("live/ delivered in %d pipeline run(s)", rounds+1)

	// 2. A second plan finds nothing to change in any unit.
	plans := filepath.Join(t.TempDir(), "plans")
	if r := olechka("plan", "--all", live, "--out", plans, "--work-dir", work); r.code != 0 {
		t.Fatalf("plan after delivery: %s", r)
	}
	if changed := changedUnits(t, plans); len(changed) > 0 {
		t.Errorf("units with changes after delivery: %v", changed)
	}

	// 3. Pull-request-like changes plan exactly the units they affect.
	edit := func(rel, old, new string) {
		t.Helper()
		p := filepath.Join(repo, rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s does not contain %q", rel, old)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name      string
		rel, o, n string
		want      []string
	}{
		{"production backup retention 30 -> 35", "live/production/env.hcl",
			"backup_retention_days               = 30", "backup_retention_days               = 35",
			[]string{"production/ap-southeast-1/aurora", "production/eu-central-1/aurora", "production/eu-central-1/elasticache"}},
		{"_envcommon: dev X-Ray sampling 0.5 -> 0.25", "live/_envcommon/monitoring.hcl",
			"xray_rate = { dev = 0.5,", "xray_rate = { dev = 0.25,",
			[]string{"dev/ap-southeast-1/observability", "dev/eu-central-1/observability"}},
		{"module: ECR scan on push off", "modules/ecr/main.tf",
			"scan_on_push = true", "scan_on_push = false",
			[]string{"dev/ap-southeast-1/ecr", "dev/eu-central-1/ecr", "production/eu-central-1/ecr", "staging/eu-central-1/ecr"}},
	}
	for _, c := range cases {
		edit(c.rel, c.o, c.n)
		gitIn("commit", "-qam", c.name)
		plans := filepath.Join(t.TempDir(), "plans")
		r := olechka("plan", "--changed", "--root", live, "--base", "HEAD~1", "--head", "HEAD", "--out", plans, "--work-dir", work)
		if r.code != 0 {
			t.Fatalf("%s: plan: %s", c.name, r)
		}
		got := changedUnits(t, plans)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: units with changes %v, want %v", c.name, got, c.want)
		}
	}
}

// changedUnits lists the units whose plan has changes.
func changedUnits(t *testing.T, dir string) []string {
	t.Helper()
	ps, err := artifact.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		if p.Metadata.HasChanges {
			out = append(out, p.Metadata.Unit)
		}
	}
	sort.Strings(out)
	return out
}
