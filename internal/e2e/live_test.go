package e2e

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/cli"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// LiveEnv enables TestLivePipeline, the whole of live/ (62 units) through the pipeline:
// too long for every `make test` on two cores (make demo-live runs the same flow).
// TestLiveRegion, one region of dev, runs in the normal e2e run.
const LiveEnv = "OLECHKA_E2E_LIVE"

// liveCase is a pull-request-like edit and the units whose plan then has changes.
type liveCase struct {
	name      string
	rel, o, n string   // file (from the repository root), old and new text
	want      []string // units with changes, relative to the tree planned
}

// The three edits of issue 11. Each is committed, planned and then dropped again
// (nothing is applied), so each plans against the delivered state on its own.
var (
	retention = liveCase{name: "production backup retention 30 -> 35", rel: "live/production/env.hcl",
		o: "backup_retention_days               = 30", n: "backup_retention_days               = 35"}
	xray = liveCase{name: "_envcommon: dev X-Ray sampling 0.5 -> 0.25", rel: "live/_envcommon/monitoring.hcl",
		o: "xray_rate = { dev = 0.5,", n: "xray_rate = { dev = 0.25,"}
	scanOnPush = liveCase{name: "module: ECR scan on push off", rel: "modules/ecr/main.tf",
		o: "scan_on_push = true", n: "scan_on_push = false"}
)

// regionUnits are the 15 units of a full-stack region (live/dev/eu-central-1).
var regionUnits = []string{"alb", "aurora", "ecr", "ecs-api", "ecs-cluster", "ecs-worker", "elasticache",
	"github-oidc", "kms", "observability", "s3", "secrets", "state-backend", "vpc", "waf"}

// TestLiveRegion delivers one region of the real platform, live/dev/eu-central-1 (15
// units, five waves), from empty state in ONE pipeline run: local mode, the embedded
// state store, real OpenTofu and the AWS simulator. Every unit whose reviewed plan used
// mock outputs is re-planned on its dependencies' real outputs and applied because the
// re-plan is equivalent. A second plan finds no changes; pull-request-like edits plan
// changes in exactly the units they affect.
func TestLiveRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: one region of live/ through the pipeline takes minutes")
	}
	l := newLive(t, 30*time.Minute)
	sub := filepath.Join("live", "dev", "eu-central-1")
	applied := l.deliver(sub)
	if got := applied.all; strings.Join(got, " ") != strings.Join(regionUnits, " ") {
		t.Errorf("applied %v, want every unit of the region %v", got, regionUnits)
	}
	// The first wave (kms, github-oidc, state-backend) depends on nothing; every other
	// unit planned on mocks of an earlier wave and was re-planned with the real outputs.
	wantMocked := []string{"alb", "aurora", "ecr", "ecs-api", "ecs-cluster", "ecs-worker", "elasticache",
		"observability", "s3", "secrets", "vpc", "waf"}
	if got := applied.afterMocks; strings.Join(got, " ") != strings.Join(wantMocked, " ") {
		t.Errorf("re-planned on real outputs and applied: %v, want %v", got, wantMocked)
	}
	l.noChanges(sub)

	r, x, s := retention, xray, scanOnPush
	r.want = nil // production only: nothing in this region
	x.want = []string{"observability"}
	s.want = []string{"ecr"}
	l.edits(sub, r, x, s)
}

// TestLivePipeline delivers the whole of live/ (3 tiers, 62 units) the same way:
// one pipeline run (one approval per environment), then no changes, then the edits.
func TestLivePipeline(t *testing.T) {
	if os.Getenv(LiveEnv) != "1" {
		t.Skipf("set %s=1 (and OLECHKA_CACHE to the tool cache) to run all of live/ end to end", LiveEnv)
	}
	l := newLive(t, 120*time.Minute)
	applied := l.deliver("live")
	if len(applied.all) != 62 {
		t.Errorf("%d unit(s) applied, want all 62: %v", len(applied.all), applied.all)
	}
	l.noChanges("live")

	r, x, s := retention, xray, scanOnPush
	// olechka detect also plans what depends on these units (ecs-*, observability); only
	// the units whose own inputs or module changed have changes.
	r.want = []string{"production/ap-southeast-1/aurora", "production/eu-central-1/aurora", "production/eu-central-1/elasticache"}
	x.want = []string{"dev/ap-southeast-1/observability", "dev/eu-central-1/observability"}
	s.want = []string{"dev/ap-southeast-1/ecr", "dev/eu-central-1/ecr", "production/eu-central-1/ecr", "staging/eu-central-1/ecr"}
	l.edits("live", r, x, s)
}

// live is one test's copy of the repository (live/, modules/ and what the
// observability unit's hook builds), state store and olechka invocations.
type live struct {
	t    *testing.T
	ctx  context.Context
	repo string
	work string
	// store is this test's state-store address for the commands after a pipeline run
	// (which starts its own store on a random port): a free loopback port, so another
	// store on the default 127.0.0.1:9000 (another test run on this machine) is never used.
	store string
}

func newLive(t *testing.T, timeout time.Duration) *live {
	t.Helper()
	testenv.Tool(t, "tofu")
	testenv.File(t, "tofurc")
	testenv.File(t, "providers/registry.opentofu.org/hashicorp/aws/6.66.0/linux_amd64/terraform-provider-aws_v6.66.0")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)

	l := &live{t: t, ctx: ctx, repo: t.TempDir(), work: t.TempDir()}
	src := testenv.RepoRoot(t)
	for _, d := range []string{"live", "modules", "cmd/alarm-forwarder", "internal/alarm"} {
		copyDir(t, filepath.Join(src, d), filepath.Join(l.repo, d))
	}
	// The observability hook runs `go run` here; .olechka.hcl trusts it at plan time.
	for _, f := range []string{"go.mod", "go.sum", ".olechka.hcl"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(l.repo, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l.git("init", "-q", "-b", "main")
	l.git("add", ".")
	l.git("commit", "-qm", "live")

	// As `olechka pipeline --local` on a laptop, from the copy's root (olechka finds the
	// repository from the current folder): each command starts the embedded state store
	// on the copy's .olechka/state.
	t.Chdir(l.repo)
	t.Setenv("OLECHKA_LOCAL", "1")
	t.Setenv("OLECHKA_STATE_ENDPOINT", "")
	t.Setenv("OLECHKA_CACHE", testenv.CacheDir(t))
	t.Setenv("OLECHKA_LOCK_ENDPOINT", "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.store = "http://" + ln.Addr().String()
	ln.Close()
	return l
}

func (l *live) git(args ...string) {
	l.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=e2e", "-c", "user.email=e2e@example.com"}, args...)...)
	cmd.Dir = l.repo
	if out, err := cmd.CombinedOutput(); err != nil {
		l.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func (l *live) olechka(args ...string) run {
	l.t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "OLECHKA_STATE_ENDPOINT" && len(args) > 0 && args[0] != "pipeline" {
			return l.store
		}
		return os.Getenv(k)
	}
	code := cli.Main(l.ctx, cli.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: getenv}, args)
	return run{stdout: out.String(), stderr: errb.String(), code: code}
}

// delivered is what one pipeline run applied.
type delivered struct {
	all        []string // units applied
	afterMocks []string // of those, applied from a re-plan on their dependencies' real outputs
}

// deliver runs the pipeline once on the tree at sub (from empty state) and checks it
// converged in that one run: exit 0, no "Error:" line, no second planning round,
// every plan applied.
func (l *live) deliver(sub string) delivered {
	t := l.t
	t.Helper()
	out := filepath.Join(t.TempDir(), "run")
	start := time.Now()
	r := l.olechka("pipeline", "--local", "--auto-approve", "--all", "--work-dir", l.work, "--out", out, filepath.Join(l.repo, sub))
	t.Logf("%s delivered in %s", sub, time.Since(start).Round(time.Second))
	if r.code != 0 {
		t.Fatalf("pipeline on %s: %s", sub, r)
	}
	if strings.Contains(r.stdout+r.stderr, "Error:") {
		t.Errorf("a successful run printed an Error: line:\n%s", r)
	}
	if rounds, _ := filepath.Glob(filepath.Join(out, "plans-round-*")); len(rounds) > 0 {
		t.Errorf("the run needed more planning rounds (%v); a fresh tree must converge in one run", rounds)
	}
	ps, err := artifact.ReadDir(filepath.Join(out, "plans"))
	if err != nil {
		t.Fatal(err)
	}
	var d delivered
	for _, p := range ps {
		if p.Applied == nil || p.Applied.Status != "applied" {
			t.Errorf("%s: not applied: %+v", p.Metadata.Unit, p.Applied)
			continue
		}
		d.all = append(d.all, p.Metadata.Unit)
		if strings.HasPrefix(p.Applied.Reason, "planned with mock outputs") {
			d.afterMocks = append(d.afterMocks, p.Metadata.Unit)
			if !strings.Contains(p.Applied.Reason, "equivalent to the reviewed plan") {
				t.Errorf("%s: applied after mocks without an equivalence verdict: %s", p.Metadata.Unit, p.Applied.Reason)
			}
		}
	}
	sort.Strings(d.all)
	sort.Strings(d.afterMocks)
	return d
}

// noChanges plans every unit under sub again: nothing may change (drift-free).
func (l *live) noChanges(sub string) {
	t := l.t
	t.Helper()
	plans := filepath.Join(t.TempDir(), "plans")
	if r := l.olechka("plan", "--all", filepath.Join(l.repo, sub), "--out", plans, "--work-dir", l.work); r.code != 0 {
		t.Fatalf("plan after delivery: %s", r)
	}
	if changed := changedUnits(t, plans); len(changed) > 0 {
		t.Errorf("units with changes right after delivery: %v", changed)
	}
}

// edits commits each case in turn, plans what olechka detect finds changed between the
// commit and its parent (exactly the case's units have changes) and drops the commit.
func (l *live) edits(sub string, cases ...liveCase) {
	t := l.t
	t.Helper()
	for _, c := range cases {
		p := filepath.Join(l.repo, c.rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(c.o)) {
			t.Fatalf("%s does not contain %q", c.rel, c.o)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte(c.o), []byte(c.n), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		l.git("commit", "-qam", c.name)
		plans := filepath.Join(t.TempDir(), "plans")
		r := l.olechka("plan", "--changed", "--root", filepath.Join(l.repo, sub), "--base", "HEAD~1", "--head", "HEAD",
			"--out", plans, "--work-dir", l.work)
		if r.code != 0 {
			t.Fatalf("%s: plan: %s", c.name, r)
		}
		got := []string{}
		if _, err := os.Stat(plans); err == nil {
			got = changedUnits(t, plans)
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: units with changes %v, want %v", c.name, got, c.want)
		}
		l.git("reset", "-q", "--hard", "HEAD~1")
	}
}

// changedUnits lists the units whose plan has changes.
func changedUnits(t *testing.T, dir string) []string {
	t.Helper()
	ps, err := artifact.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, p := range ps {
		if p.Metadata.HasChanges {
			out = append(out, p.Metadata.Unit)
		}
	}
	sort.Strings(out)
	return out
}
