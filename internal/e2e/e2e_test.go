package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/apply"
	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/executor"
)

// TestPlanApplyChangeDestroy: plan, apply (dependents on mocks get re-planned round by
// round), dependency outputs reach dependents, a change shows up in the next plan as a
// diff and applies, and a destroy runs in reverse dependency order.
func TestPlanApplyChangeDestroy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	plans := filepath.Join(t.TempDir(), "plans")

	// 1. Plan the dev tree: the network plans for real, its dependents on mocks.
	r := h.plan(plans, "--all", h.root)
	if r.code != 0 {
		t.Fatalf("plan: %s", r)
	}
	ps := h.plans(plans)
	if len(ps) != 4 {
		t.Fatalf("plans for %d units, want 4", len(ps))
	}
	for u, p := range ps {
		m := p.Metadata
		if m.Status != artifact.StatusPlanned || !m.HasChanges || p.Summary == nil || p.Summary.Add == 0 {
			t.Errorf("%s: %+v %+v", u, m, p.Summary)
		}
		files := []string{artifact.PlanFile, artifact.PlanJSONFile, artifact.PlanTextFile, artifact.PlanLogFile}
		if u == storage || u == service { // the units with providers have a lock file
			files = append(files, artifact.LockFile)
		}
		for _, f := range files {
			if _, err := os.Stat(p.File(f)); err != nil && f == artifact.PlanFile {
				// The binary plan may be sealed for the apply side (tfplan.age).
				if _, err := os.Stat(p.File(artifact.SealedPlanFile)); err != nil {
					t.Errorf("%s lacks %s and %s", u, f, artifact.SealedPlanFile)
				}
			} else if err != nil {
				t.Errorf("%s lacks %s", u, f)
			}
		}
		if m.Commit != "e2e0000000000000000000000000000000000000" || m.Fingerprint == "" || m.Tools.Version != "1.10.6" || m.State.Exists {
			t.Errorf("%s metadata: %+v", u, m)
		}
	}
	if got := ps[storage].Metadata.Mocks(); len(got) != 1 || got[0] != "network" {
		t.Errorf("storage mocks = %v", got)
	}
	if len(ps[storage].Metadata.Tools.Providers) != 2 {
		t.Errorf("storage providers = %v", ps[storage].Metadata.Tools.Providers)
	}
	if w := ps[monitor].Metadata.Wave; w != 3 {
		t.Errorf("monitoring wave = %d", w)
	}

	// 2. Apply: the network applies; storage was planned on the network's mock vpc_id, so
	// it is re-planned with the real one as soon as the network is applied, and applied
	// because the re-plan is equivalent to the reviewed plan; so are its dependents.
	r = h.apply(plans)
	if r.code != 0 {
		t.Fatalf("first apply: %s", r)
	}
	ps = h.plans(plans)
	if a := ps[network].Applied; a == nil || a.Status != apply.StatusApplied || !a.StateAfter.Exists {
		t.Errorf("network: %+v", a)
	}
	if a := ps[storage].Applied; a == nil || a.Status != apply.StatusApplied || !strings.Contains(a.Reason, "re-planned with the real ones: equivalent to the reviewed plan") {
		t.Errorf("storage: %+v", a)
	}
	for _, u := range []string{service, monitor} {
		if a := ps[u].Applied; a == nil || a.Status != apply.StatusApplied {
			t.Errorf("%s: %+v", u, a)
		}
	}
	if _, err := os.Stat(filepath.Join(plans, apply.ReplansDir, "units", filepath.FromSlash(storage), apply.VerdictFile)); err != nil {
		t.Errorf("storage's re-plan verdict is not kept: %v", err)
	}
	if strings.Contains(r.stdout+r.stderr, "Error:") {
		t.Errorf("a successful apply printed an Error line:\n%s", r)
	}

	// 3. The rest of the tree converges, and real outputs flow down the chain.
	h.deploy()
	net, sto, svc, mon := h.state(network), h.state(storage), h.state(service), h.state(monitor)
	if net == nil || sto == nil || svc == nil || mon == nil {
		t.Fatal("not every unit has state after deploy")
	}
	vpc, _ := net.output("vpc_id").(string)
	if !strings.HasPrefix(vpc, "vpc-") || vpc == "vpc-00000000mock" {
		t.Fatalf("network vpc_id = %q", vpc)
	}
	in, _ := svc.resource("terraform_data", "service")["input"].(map[string]any)
	svcInput, _ := in["value"].(map[string]any)
	if svcInput["vpc_id"] != vpc || svcInput["bucket_name"] != sto.output("bucket_name") {
		t.Errorf("service deployed with %v; want the network's %s and storage's %v", svcInput, vpc, sto.output("bucket_name"))
	}
	manifest, err := os.ReadFile(filepath.Join(h.out, "ai-tools-data-dev.json"))
	if err != nil || !strings.Contains(string(manifest), vpc) {
		t.Errorf("storage manifest (local_file) = %s, %v", manifest, err)
	}

	// 4. A change: the next plan shows exactly that diff; nothing else changes.
	h.edit("_envcommon/service.hcl", `image_tag     = "v1.0.0"`, `image_tag     = "v1.1.0"`)
	plans2 := filepath.Join(t.TempDir(), "plans2")
	if r := h.plan(plans2, "--all", h.root, "--detailed-exitcode"); r.code != 2 {
		t.Fatalf("plan after the change: %s", r)
	}
	ps = h.plans(plans2)
	for u, p := range ps {
		if u == service {
			continue
		}
		if p.Summary.HasChanges || p.Metadata.Mocks() != nil {
			t.Errorf("%s: changes %+v, mocks %v", u, p.Summary, p.Metadata.Mocks())
		}
	}
	s := ps[service].Summary
	if s.Change != 1 || s.Add != 0 || s.Destroy != 0 || len(s.Resources) != 1 || s.Resources[0].Address != "terraform_data.service" {
		t.Fatalf("service summary: %+v", s)
	}
	text, _ := os.ReadFile(ps[service].File(artifact.PlanTextFile))
	if !strings.Contains(string(text), `"v1.0.0" -> "v1.1.0"`) {
		t.Errorf("readable plan lacks the diff:\n%s", text)
	}
	serialBefore := svc.Serial
	if r := h.apply(plans2); r.code != 0 {
		t.Fatalf("apply of the change: %s", r)
	}
	svc = h.state(service)
	if svc.Serial <= serialBefore || svc.output("image_tag") != "v1.1.0" || svc.Lineage != h.state(service).Lineage {
		t.Errorf("service after the change: serial %d (was %d), image %v", svc.Serial, serialBefore, svc.output("image_tag"))
	}
	ps = h.plans(plans2)
	if a := ps[network].Applied; a.Status != apply.StatusUnchanged {
		t.Errorf("network: %+v", a)
	}

	// 5. Destroy everything: dependents first.
	plans3 := filepath.Join(t.TempDir(), "plans3")
	all := h.unitDirs([]string{network, storage, service, monitor})
	if r := h.plan(plans3, append([]string{"--destroy", "--root", h.root}, all...)...); r.code != 0 {
		t.Fatalf("destroy plan: %s", r)
	}
	for u, p := range h.plans(plans3) {
		if p.Metadata.Action != artifact.ActionDestroy || p.Summary.Destroy == 0 {
			t.Errorf("%s destroy plan: %+v %+v", u, p.Metadata.Action, p.Summary)
		}
	}
	if r := h.apply(plans3); r.code != 0 {
		t.Fatalf("destroy: %s", r)
	}
	var order []string
	ps = h.plans(plans3)
	for u := range ps {
		order = append(order, u)
	}
	sort.Slice(order, func(i, j int) bool {
		return ps[order[i]].Applied.StartedAt.Before(ps[order[j]].Applied.StartedAt)
	})
	if strings.Join(order, " ") != strings.Join([]string{monitor, service, storage, network}, " ") {
		t.Errorf("destroy order = %v", order)
	}
	for _, u := range order {
		if st := h.state(u); st != nil && len(st.Resources) != 0 {
			t.Errorf("%s still has %d resources", u, len(st.Resources))
		}
	}
	if _, err := os.Stat(filepath.Join(h.out, "ai-tools-data-dev.json")); !os.IsNotExist(err) {
		t.Error("the storage manifest survived the destroy")
	}
}

// TestStalePlanRefused: a plan is refused when the unit's configuration changed, or when
// its state changed (another plan applied in between); nothing is applied.
func TestStalePlanRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	unit := h.unitDirs([]string{network})
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if r := h.plan(dir, append([]string{"--root", h.root}, unit...)...); r.code != 0 {
			t.Fatalf("plan: %s", r)
		}
	}
	// The configuration changes after plan a: a is stale.
	h.edit("dev/env.hcl", `az_count    = 1`, `az_count    = 2`)
	r := h.apply(a)
	if r.code != 3 || !strings.Contains(r.stdout, "configuration or module source changed since the plan") {
		t.Fatalf("apply of a plan whose configuration changed: %s", r)
	}
	if h.state(network) != nil {
		t.Fatal("a stale plan was applied")
	}
	// Back to the planned configuration, plan b applies...
	h.edit("dev/env.hcl", `az_count    = 2`, `az_count    = 1`)
	if r := h.apply(b); r.code != 0 {
		t.Fatalf("apply b: %s", r)
	}
	st := h.state(network)
	// ...and plan a, made before b was applied, is now stale for its state.
	r = h.apply(a)
	if r.code != 3 || !strings.Contains(r.stdout, "state changed since the plan (no state -> lineage") {
		t.Fatalf("apply of a plan made before another apply: %s", r)
	}
	if after := h.state(network); after.Serial != st.Serial {
		t.Errorf("state serial moved %d -> %d: a stale plan was applied", st.Serial, after.Serial)
	}
	// --replan-stale re-plans it for review instead (nothing to change here).
	r = h.apply(a, "--replan-stale")
	if r.code != 0 || !strings.Contains(r.stdout, "re-planned: no changes") {
		t.Fatalf("--replan-stale: %s", r)
	}
	var m artifact.Metadata
	b2, _ := os.ReadFile(filepath.Join(artifact.UnitDir(a, network), artifact.MetadataFile))
	json.Unmarshal(b2, &m)
	if m.State.Serial != st.Serial || m.HasChanges {
		t.Errorf("re-planned metadata: %+v", m)
	}
}

// TestFailingUnitSkipsDependents: a unit whose plan fails skips its dependents, and the
// units that do not depend on it still plan.
func TestFailingUnitSkipsDependents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.edit("dev/"+service+"/terragrunt.hcl", `bucket_name = dependency.storage.outputs.bucket_name`,
		`bucket_name = dependency.storage.outputs.bucket_name
  fail_plan   = "broken on purpose"`)
	plans := filepath.Join(t.TempDir(), "plans")
	r := h.plan(plans, "--all", h.root)
	if r.code != 1 {
		t.Fatalf("plan with a failing unit: %s", r)
	}
	ps := h.plans(plans)
	want := map[string]string{network: artifact.StatusPlanned, storage: artifact.StatusPlanned,
		service: artifact.StatusFailed, monitor: artifact.StatusSkipped}
	for u, s := range want {
		if ps[u] == nil || ps[u].Metadata.Status != s {
			t.Errorf("%s: %+v, want %s", u, ps[u], s)
		}
	}
	if e := ps[service].Metadata.Error; !strings.Contains(e, "fail_plan is set: broken on purpose") {
		t.Errorf("service error = %q", e)
	}
	if ps[monitor].Metadata.SkippedBecause != service {
		t.Errorf("monitoring skipped because %q", ps[monitor].Metadata.SkippedBecause)
	}
	log, _ := os.ReadFile(ps[service].File(artifact.PlanLogFile))
	if !strings.Contains(string(log), "Resource precondition failed") {
		t.Errorf("service log lacks OpenTofu's error:\n%s", log)
	}
	// Apply refuses nothing it should not: the good plans apply, the rest are skipped.
	r = h.apply(plans)
	if r.code != 3 {
		t.Fatalf("apply: %s", r)
	}
	if h.state(network) == nil || h.state(service) != nil {
		t.Error("apply did the wrong units")
	}
}

// lockContention: while one apply holds a unit's lock, a second apply of the same unit
// waits --lock-timeout and fails naming the holder.
func lockContention(t *testing.T, h *harness) {
	// The first apply must still hold the lock when the second has prepared its unit
	// (init alone took 8 s at load 40), so its rollout outlasts that with a margin.
	h.addSlowUnit("25s")
	slow := h.unitDirs([]string{slowUnit})
	p1, p2 := filepath.Join(t.TempDir(), "p1"), filepath.Join(t.TempDir(), "p2")
	for _, p := range []string{p1, p2} {
		if r := h.plan(p, append([]string{"--root", h.root}, slow...)...); r.code != 0 {
			t.Fatalf("plan: %s", r)
		}
	}
	first := make(chan run, 1)
	go func() { first <- h.apply(p1) }()
	waitFor(t, 60*time.Second, "the first apply to start sleeping", func() bool {
		b, _ := os.ReadFile(filepath.Join(p1, "units", filepath.FromSlash(slowUnit), artifact.ApplyLogFile))
		return strings.Contains(string(b), "time_sleep.rollout[0]: Creating...")
	})
	start := time.Now()
	r := h.olechka("apply", "--plans", p2, "--root", h.root, "--work-dir", t.TempDir(), "--lock-timeout", "3s")
	waited := time.Since(start)
	if r.code != 1 {
		t.Fatalf("second apply: %s", r)
	}
	for _, want := range []string{"state is locked by", "Apply", "lock ID", "waited 3s (--lock-timeout)", executor.UnlockCommand(cwdOf(t), filepath.Join(h.root, filepath.FromSlash(slowUnit)))} {
		if !strings.Contains(r.stdout+r.stderr, want) {
			t.Errorf("second apply's message lacks %q:\n%s", want, r)
		}
	}
	if waited < 3*time.Second {
		t.Errorf("the second apply gave up after %s, before --lock-timeout", waited)
	}
	if r := <-first; r.code != 0 {
		t.Fatalf("first apply: %s", r)
	}
	if st := h.state(slowUnit); st == nil || st.resource("time_sleep", "rollout") == nil {
		t.Error("the first apply did not complete")
	}
}

func TestLockContentionS3Lockfile(t *testing.T) {
	h := newHarness(t)
	lockContention(t, h)
	if h.lockfileExists(slowUnit) {
		t.Error("the S3 lockfile was left behind")
	}
}

func TestLockContentionDynamoDB(t *testing.T) {
	h := newHarness(t)
	db := h.startDynalite("olechka-locks")
	lockContention(t, h)
	if h.lockfileExists(slowUnit) {
		t.Error("an S3 lockfile was used although locking is on DynamoDB")
	}
	if n := h.lockItems(db, "olechka-locks"); n != 0 {
		t.Errorf("%d lock items left in DynamoDB", n)
	}
}

// TestKillDuringApply: olechka and OpenTofu die (SIGKILL) in the middle of an apply. The
// rerun fails clearly on the held lock, olechka unlock releases it, and the rerun then
// completes with no state lost.
func TestKillDuringApply(t *testing.T) {
	h := newHarness(t)
	h.addSlowUnit("1s")
	h.deploy(slowUnit)
	before := h.state(slowUnit)
	id := before.resource("terraform_data", "service")["id"]

	// A new image and a long rollout, killed half way.
	h.edit("dev/"+slowUnit+"/terragrunt.hcl", `image_tag        = "v1"`, `image_tag        = "v2"`)
	h.edit("dev/"+slowUnit+"/terragrunt.hcl", `rollout_duration = "1s"`, `rollout_duration = "15s"`)
	plans := filepath.Join(t.TempDir(), "plans")
	if r := h.plan(plans, append([]string{"--root", h.root}, h.unitDirs([]string{slowUnit})...)...); r.code != 0 {
		t.Fatalf("plan: %s", r)
	}
	p := h.start("apply", "--plans", plans, "--root", h.root, "--work-dir", h.work, "--lock-timeout", "20s")
	waitFor(t, 60*time.Second, "the apply to be under way", func() bool {
		select {
		case err := <-p.done:
			t.Fatalf("the apply ended early (%v):\n%s", err, p.output)
		default:
		}
		b, _ := os.ReadFile(filepath.Join(plans, "units", filepath.FromSlash(slowUnit), artifact.ApplyLogFile))
		return strings.Contains(string(b), "time_sleep.rollout[0]: Creating...")
	})
	p.killTree()
	if !h.lockfileExists(slowUnit) {
		t.Fatal("no lock left behind by the killed apply")
	}

	// The rerun stops on the lock, naming it and the way out: an unlock command whose
	// path, taken from the current folder, is the unit's folder.
	unit := filepath.Join(h.root, filepath.FromSlash(slowUnit))
	r := h.olechka("apply", "--plans", plans, "--root", h.root, "--work-dir", h.work, "--lock-timeout", "1s")
	if r.code != 1 || !strings.Contains(r.stdout, "state is locked by") || !strings.Contains(r.stdout, executor.UnlockCommand(cwdOf(t), unit)) {
		t.Fatalf("rerun on the held lock: %s", r)
	}
	if got, _ := filepath.Abs(strings.TrimPrefix(executor.UnlockCommand(cwdOf(t), unit), "olechka unlock ")); got != unit {
		t.Fatalf("the suggested unlock path resolves to %s, not the unit's folder %s", got, unit)
	}

	// unlock asks first; without "yes" nothing happens.
	r = h.olechka("unlock", "--root", h.root, "--work-dir", h.work, unit)
	if r.code != 1 || !strings.Contains(r.stdout, "Operation: OperationTypeApply") || !h.lockfileExists(slowUnit) {
		t.Fatalf("unlock without confirmation: %s", r)
	}
	if r = h.olechka("unlock", "--root", h.root, "--work-dir", h.work, "--yes", unit); r.code != 0 || !strings.Contains(r.stdout, "released") {
		t.Fatalf("unlock: %s", r)
	}
	if h.lockfileExists(slowUnit) {
		t.Fatal("the lock is still there")
	}
	if r = h.olechka("unlock", "--root", h.root, "--work-dir", h.work, "--yes", unit); r.code != 0 || !strings.Contains(r.stdout, "not locked") {
		t.Errorf("unlock of a free state: %s", r)
	}

	// The rerun completes (re-planning if the killed run got to write state).
	for round := 0; ; round++ {
		r = h.apply(plans, "--replan-stale")
		if r.code == 0 {
			break
		}
		if r.code != 3 || round > 2 {
			t.Fatalf("rerun after unlock: %s", r)
		}
	}
	after := h.state(slowUnit)
	if after.Lineage != before.Lineage || after.Serial <= before.Serial {
		t.Errorf("state lineage %s serial %d, before %s serial %d", after.Lineage, after.Serial, before.Lineage, before.Serial)
	}
	svc := after.resource("terraform_data", "service")
	if svc == nil || svc["id"] != id || after.output("image_tag") != "v2" || after.resource("time_sleep", "rollout") == nil {
		t.Errorf("state after recovery: service %v, image %v", svc, after.output("image_tag"))
	}
}

// TestPlanChanged: plan --changed plans only the units a change affects (through
// olechka detect): a storage module edit reaches storage and its dependents, not the
// network, whose state is only read.
func TestPlanChanged(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	git := func(args ...string) { t.Helper(); h.git(args...) }
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "sandbox")
	h.edit("modules/storage/main.tf", `retention_days = var.retention_days`, `retention_days = var.retention_days
    versioned      = true`)
	plans := filepath.Join(t.TempDir(), "plans")
	r := h.plan(plans, "--changed", "--uncommitted", h.root)
	if r.code != 0 {
		t.Fatalf("plan --changed: %s", r)
	}
	ps := h.plans(plans)
	var got []string
	for u := range ps {
		got = append(got, u)
	}
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join([]string{monitor, service, storage}, " ") {
		t.Fatalf("planned %v, want storage and its dependents", got)
	}
	if _, err := os.Stat(filepath.Join(plans, "state-logs", filepath.FromSlash(network)+".log")); err != nil {
		t.Errorf("the network's state was not read: %v", err)
	}
	// Its dependency's outputs were read from state (none yet: mocks, recorded).
	if m := ps[storage].Metadata.Mocks(); len(m) != 1 || m[0] != "network" {
		t.Errorf("mocks = %v", m)
	}
	// Nothing changed: nothing to plan.
	git("checkout", "-q", "--", ".")
	r = h.plan(filepath.Join(t.TempDir(), "none"), "--changed", "--uncommitted", h.root)
	if r.code != 0 || !strings.Contains(r.stdout, "No changed units") {
		t.Fatalf("plan --changed with no change: %s", r)
	}
}

// TestRelativePlanFolder: --out and --plans may be relative to the current folder
// (OpenTofu itself runs elsewhere, in each unit's working directory).
func TestRelativePlanFolder(t *testing.T) {
	h := newHarness(t)
	t.Chdir(t.TempDir())
	if r := h.plan("plans", append([]string{"--root", h.root}, h.unitDirs([]string{network})...)...); r.code != 0 {
		t.Fatalf("plan --out plans: %s", r)
	}
	if r := h.apply("plans"); r.code != 0 {
		t.Fatalf("apply --plans plans: %s", r)
	}
	if h.state(network) == nil {
		t.Error("nothing applied")
	}
}

// TestDestroyRemovedUnits: units deleted in a commit are destroyed from the base
// commit's configuration. A chain of two units (service <- monitoring, the service
// depending on units that stay) is deployed, then both are deleted in a commit; plan
// --changed makes two destroy plans from the base commit's tree, and apply (with that
// tree gone from the work area, so it is written out again) empties their states,
// dependents first. A second set of plans made before that apply is then stale.
func TestDestroyRemovedUnits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.deploy()
	h.git("init", "-q", "-b", "main")
	h.git("add", "-A")
	h.git("commit", "-q", "-m", "sandbox")
	base := h.git("rev-parse", "HEAD")
	for _, u := range []string{service, monitor} {
		if st := h.state(u); st == nil || len(st.Resources) == 0 {
			t.Fatalf("%s is not deployed", u)
		}
	}
	h.git("rm", "-q", "-r", devRoot+"/"+service, devRoot+"/"+monitor)
	h.git("commit", "-q", "-m", "remove the service and its monitoring")

	plans, again := filepath.Join(t.TempDir(), "plans"), filepath.Join(t.TempDir(), "again")
	for _, dir := range []string{plans, again} {
		r := h.plan(dir, "--changed", "--base", base, h.root)
		if r.code != 0 {
			t.Fatalf("plan --changed: %s", r)
		}
	}
	ps := h.plans(plans)
	if len(ps) != 2 || ps[service] == nil || ps[monitor] == nil {
		t.Fatalf("plans for %v, want the two removed units", keys(ps))
	}
	for u, p := range ps {
		m := p.Metadata
		if m.Action != artifact.ActionDestroy || m.BaseCommit != base || m.Status != artifact.StatusPlanned || !m.State.Exists {
			t.Errorf("%s metadata: %+v", u, m)
		}
		if p.Summary == nil || p.Summary.Destroy == 0 || p.Summary.Add != 0 {
			t.Errorf("%s summary: %+v", u, p.Summary)
		}
	}
	if d := ps[monitor].Metadata.Dependencies; len(d) != 1 || d[0].Mocked || d[0].Unit != service {
		t.Errorf("monitoring's destroy used %+v, want the service's real outputs", d)
	}
	if w := ps[monitor].Metadata.Wave; w >= ps[service].Metadata.Wave {
		t.Errorf("waves: monitoring %d, service %d; dependents are destroyed first", w, ps[service].Metadata.Wave)
	}
	run, err := artifact.ReadRun(plans)
	if err != nil || run.Base != base || len(run.Units) != 2 {
		t.Errorf("run.json: %+v %v", run, err)
	}
	// The service's dependencies that stay had their state read in the base tree.
	if _, err := os.Stat(filepath.Join(plans, "state-logs", "base", filepath.FromSlash(storage)+".log")); err != nil {
		t.Errorf("storage's state was not read for the service's destroy: %v", err)
	}

	// Apply, with the base tree gone: it is written out again from the recorded commit.
	if err := os.RemoveAll(filepath.Join(h.work, ".base")); err != nil {
		t.Fatal(err)
	}
	r := h.apply(plans)
	if r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	if _, err := os.Stat(filepath.Join(h.work, ".base", base, "tree", devRoot, filepath.FromSlash(service), "terragrunt.hcl")); err != nil {
		t.Errorf("the base tree was not written out again: %v", err)
	}
	ps = h.plans(plans)
	for _, u := range []string{service, monitor} {
		if a := ps[u].Applied; a == nil || a.Status != apply.StatusApplied {
			t.Errorf("%s: %+v", u, a)
		}
		if st := h.state(u); st == nil || len(st.Resources) != 0 {
			t.Errorf("%s: state %+v, want an empty one", u, st)
		}
	}
	if !ps[monitor].Applied.StartedAt.Before(ps[service].Applied.StartedAt) {
		t.Errorf("destroy order: monitoring at %s, service at %s; want monitoring first", ps[monitor].Applied.StartedAt, ps[service].Applied.StartedAt)
	}
	for _, u := range []string{network, storage} {
		if st := h.state(u); st == nil || len(st.Resources) == 0 {
			t.Errorf("%s, which stays, lost its resources", u)
		}
	}

	// The second set of plans was made before that apply: stale, nothing applied.
	r = h.apply(again)
	if r.code != 3 || !strings.Contains(r.stdout, "state changed since the plan") {
		t.Fatalf("apply of stale destroy plans: %s", r)
	}
	if a := h.plans(again)[monitor].Applied; a == nil || a.Status != apply.StatusRefused {
		t.Errorf("monitoring: %+v", a)
	}
}

func keys(m map[string]*artifact.Plan) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
