package platform

import (
	"sort"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// tier is what the spec's "Environment-Specific Configuration" diagram promises for one
// environment, as the rendered inputs must show it.
type tier struct {
	nat               string // nat_gateway_mode of the full-stack VPCs
	capacity          string // FARGATE_SPOT | FARGATE
	commitment        string // capacity_commitment of the cluster
	backupDays        int    // Aurora backups and cache snapshots
	auroraInstances   int
	cacheNodesAtLeast int
	multiAZ           bool // cache failover, instances spread over zones
	protected         bool // deletion protection, final snapshots, prevent_destroy
	replication       bool // Aurora Global, S3 replication, KMS replicas, secret replicas
	approval          string
	minTasks          int // desired_count of the services at least
}

var tiers = map[string]tier{
	// Single NAT gateway, spot instances, 7-day backups, minimal HA.
	"dev": {nat: "single", capacity: "FARGATE_SPOT", commitment: "none", backupDays: 7, auroraInstances: 1,
		cacheNodesAtLeast: 1, multiAZ: false, protected: false, replication: false, approval: "auto", minTasks: 1},
	// Multi-AZ NAT, on-demand instances, 14-day backups, partial HA.
	"staging": {nat: "per_az", capacity: "FARGATE", commitment: "none", backupDays: 14, auroraInstances: 2,
		cacheNodesAtLeast: 2, multiAZ: true, protected: true, replication: false, approval: "auto", minTasks: 2},
	// Full HA (multi-AZ), reserved instances, 30-day backups, cross-region replication.
	"production": {nat: "per_az", capacity: "FARGATE", commitment: "compute-savings-plan", backupDays: 30, auroraInstances: 3,
		cacheNodesAtLeast: 2, multiAZ: true, protected: true, replication: true, approval: "manual", minTasks: 2},
}

func TestTierInvariants(t *testing.T) {
	tree := renderTree(t)
	for env, want := range tiers {
		t.Run(env, func(t *testing.T) {
			us := units(t, tree, env)
			for region, kind := range regions[env] {
				get := func(c string) *config.Unit {
					u := us[region+"/"+c]
					if u == nil {
						t.Fatalf("%s/%s/%s is missing", env, region, c)
					}
					return u
				}
				checkApproval(t, get("vpc"), want.approval)
				if kind == "full" {
					checkFullStack(t, get, want)
				} else {
					checkReplicaStack(t, get, want)
				}
				for c, u := range us {
					if !strings.HasPrefix(c, region+"/") || !statefulUnits[component(u)] {
						continue
					}
					if got := u.Config.PreventDestroy != nil && *u.Config.PreventDestroy; got != want.protected {
						t.Errorf("%s: prevent_destroy = %v, want %v", u.Path, got, want.protected)
					}
				}
			}
			checkReplication(t, tree, env, want)
		})
	}
}

func checkApproval(t *testing.T, u *config.Unit, want string) {
	t.Helper()
	env := envLocals(t, u)
	if got := str(attr(env, "approval")); got != want {
		t.Errorf("%s: env.hcl approval = %q, want %q", u.Path, got, want)
	}
	// What review decides from: the unit's rendered configuration and the env.hcl it read.
	if got, _, _ := review.Approval(u); got != want {
		t.Errorf("%s: review reads approval %q, want %q", u.Path, got, want)
	}
	if num(attr(env, "monthly_budget_usd")) <= 0 {
		t.Errorf("%s: env.hcl sets no monthly_budget_usd", u.Path)
	}
	for _, k := range []string{"cpu_percent", "error_rate_percent", "latency_seconds"} {
		if isNull(attr(env, "monitoring", k)) {
			t.Errorf("%s: env.hcl monitoring lacks %s", u.Path, k)
		}
	}
	if got := num(attr(env, "monitoring", "cpu_percent")); got != 75 {
		t.Errorf("%s: CPU alarm at %d%%, the spec says 75%%", u.Path, got)
	}
	if got := num(attr(env, "monitoring", "error_rate_percent")); got != 2 {
		t.Errorf("%s: error rate alarm at %d%%, the spec says 2%%", u.Path, got)
	}
	if got := num(attr(env, "monitoring", "latency_seconds")); got != 1 {
		t.Errorf("%s: latency alarm at %ds, the spec says 1s", u.Path, got)
	}
}

func checkFullStack(t *testing.T, get func(string) *config.Unit, want tier) {
	t.Helper()
	vpc := get("vpc")
	if got := str(input(vpc, "nat_gateway_mode")); got != want.nat {
		t.Errorf("%s: nat_gateway_mode = %q, want %q", vpc.Path, got, want.nat)
	}
	if got := num(input(vpc, "az_count")); got != 3 {
		t.Errorf("%s: az_count = %d, want 3", vpc.Path, got)
	}

	cluster := get("ecs-cluster")
	if got := str(input(cluster, "capacity_provider")); got != want.capacity {
		t.Errorf("%s: capacity_provider = %q, want %q", cluster.Path, got, want.capacity)
	}
	if got := str(input(cluster, "capacity_commitment")); got != want.commitment {
		t.Errorf("%s: capacity_commitment = %q, want %q", cluster.Path, got, want.commitment)
	}
	for _, c := range []string{"ecs-api", "ecs-worker"} {
		svc := get(c)
		if got := str(input(svc, "capacity_provider")); got != want.capacity {
			t.Errorf("%s: capacity_provider = %q, want %q", svc.Path, got, want.capacity)
		}
		if got := num(input(svc, "desired_count")); got < want.minTasks {
			t.Errorf("%s: desired_count = %d, want at least %d", svc.Path, got, want.minTasks)
		}
		if got := num(input(svc, "min_capacity")); got < want.minTasks {
			t.Errorf("%s: min_capacity = %d, want at least %d", svc.Path, got, want.minTasks)
		}
	}
	if isNull(input(get("ecs-api"), "load_balancer")) || !isNull(input(get("ecs-worker"), "load_balancer")) {
		t.Errorf("the api runs behind the load balancer, the worker does not")
	}

	db := get("aurora")
	if got := num(input(db, "backup_retention_days")); got != want.backupDays {
		t.Errorf("%s: backup_retention_days = %d, want %d", db.Path, got, want.backupDays)
	}
	if got := num(input(db, "instance_count")); got != want.auroraInstances {
		t.Errorf("%s: instance_count = %d, want %d", db.Path, got, want.auroraInstances)
	}
	if azs := list(input(db, "availability_zones")); len(azs) < want.auroraInstances {
		t.Errorf("%s: %d instances over %d zones; they must land in distinct zones", db.Path, want.auroraInstances, len(azs))
	}
	checkProtection(t, db, want.protected)
	role := str(input(db, "global_cluster", "role"))
	if want.replication && role != "primary" || !want.replication && role != "none" {
		t.Errorf("%s: global_cluster.role = %q (replication %v)", db.Path, role, want.replication)
	}

	cache := get("elasticache")
	nodes := num(input(cache, "num_cache_clusters"))
	if nodes < want.cacheNodesAtLeast || (!want.multiAZ && nodes != 1) {
		t.Errorf("%s: num_cache_clusters = %d", cache.Path, nodes)
	}
	if got, _ := boolean(input(cache, "multi_az")); got != want.multiAZ {
		t.Errorf("%s: multi_az = %v, want %v", cache.Path, got, want.multiAZ)
	}
	if got := num(input(cache, "snapshot_retention_days")); got != want.backupDays {
		t.Errorf("%s: snapshot_retention_days = %d, want %d", cache.Path, got, want.backupDays)
	}

	alb := get("alb")
	if got, _ := boolean(input(alb, "deletion_protection")); got != want.protected {
		t.Errorf("%s: deletion_protection = %v, want %v", alb.Path, got, want.protected)
	}
	s3 := get("s3")
	if got, _ := boolean(input(s3, "force_destroy")); got == want.protected {
		t.Errorf("%s: force_destroy = %v in a tier whose data is protected=%v", s3.Path, got, want.protected)
	}
	if got := !isNull(input(s3, "replication")); got != want.replication {
		t.Errorf("%s: replication configured = %v, want %v", s3.Path, got, want.replication)
	}
	kms := get("kms")
	var multi []string
	for _, k := range keys(input(kms, "keys")) {
		if v, _ := boolean(input(kms, "keys", k, "multi_region")); v {
			multi = append(multi, k)
		}
	}
	if want.replication && strings.Join(multi, ",") != "aurora,s3,secrets" || !want.replication && len(multi) > 0 {
		t.Errorf("%s: multi-region keys %v (replication %v)", kms.Path, multi, want.replication)
	}
	secrets := get("secrets")
	if got := len(list(input(secrets, "replica_regions"))); (got > 0) != want.replication {
		t.Errorf("%s: %d secret replica regions (replication %v)", secrets.Path, got, want.replication)
	}
}

func checkProtection(t *testing.T, u *config.Unit, protected bool) {
	t.Helper()
	if got, _ := boolean(input(u, "deletion_protection")); got != protected {
		t.Errorf("%s: deletion_protection = %v, want %v", u.Path, got, protected)
	}
	if got, _ := boolean(input(u, "skip_final_snapshot")); got == protected {
		t.Errorf("%s: skip_final_snapshot = %v, want %v", u.Path, got, !protected)
	}
}

func checkReplicaStack(t *testing.T, get func(string) *config.Unit, want tier) {
	t.Helper()
	if !want.replication {
		t.Fatalf("a replica region in a tier without replication")
	}
	vpc := get("vpc")
	if got := str(input(vpc, "nat_gateway_mode")); got != "none" {
		t.Errorf("%s: a replica region runs no tasks; nat_gateway_mode = %q, want none", vpc.Path, got)
	}
	db := get("aurora")
	if got := str(input(db, "global_cluster", "role")); got != "secondary" {
		t.Errorf("%s: global_cluster.role = %q, want secondary", db.Path, got)
	}
	if str(input(db, "global_cluster", "identifier")) == "" {
		t.Errorf("%s: the secondary names no global cluster", db.Path)
	}
	if got := num(input(db, "backup_retention_days")); got != want.backupDays {
		t.Errorf("%s: backup_retention_days = %d, want %d", db.Path, got, want.backupDays)
	}
	if got := num(input(db, "instance_count")); got < 2 {
		t.Errorf("%s: instance_count = %d; the secondary must survive a zone failure", db.Path, got)
	}
	checkProtection(t, db, want.protected)
	kms := get("kms")
	replicas := keys(input(kms, "replicas"))
	if strings.Join(replicas, ",") != "aurora,s3,secrets" {
		t.Errorf("%s: replica keys %v, want aurora, s3, secrets", kms.Path, replicas)
	}
	if s3 := get("s3"); !isNull(input(s3, "replication")) {
		t.Errorf("%s: a replica bucket replicates further", s3.Path)
	}
}

// checkReplication follows production's cross-region edges: the primary's data units
// depend on the replica region's units, and the replica region's on the primary's.
func checkReplication(t *testing.T, tree *config.Tree, env string, want tier) {
	t.Helper()
	cross := map[string][]string{}
	for _, u := range tree.Units {
		if u.Env != env || !platformUnit(u) {
			continue
		}
		for _, d := range u.Config.Dependency {
			dep := unitAt(tree, d.Dir)
			if dep != nil && dep.Region != u.Region {
				cross[u.Path] = append(cross[u.Path], dep.Path)
			}
		}
	}
	if !want.replication {
		if len(cross) > 0 {
			t.Errorf("%s has cross-region dependencies: %v", env, cross)
		}
		return
	}
	wantCross := map[string][]string{
		"production/eu-central-1/s3":       {"production/ap-southeast-1/kms", "production/ap-southeast-1/s3"},
		"production/eu-central-1/secrets":  {"production/ap-southeast-1/kms"},
		"production/ap-southeast-1/kms":    {"production/eu-central-1/kms"},
		"production/ap-southeast-1/aurora": {"production/eu-central-1/aurora"},
	}
	for p, deps := range wantCross {
		got := cross[p]
		sort.Strings(got)
		if strings.Join(got, " ") != strings.Join(deps, " ") {
			t.Errorf("%s: cross-region dependencies %v, want %v", p, got, deps)
		}
	}
	if len(cross) != len(wantCross) {
		t.Errorf("cross-region dependencies %v, want exactly %v", cross, wantCross)
	}
	// The S3 replication destinations are the replica unit's buckets, bucket for bucket.
	src := tree.Unit("production/eu-central-1/s3")
	dst := tree.Unit("production/ap-southeast-1/s3")
	if src != nil && dst != nil {
		if a, b := keys(input(src, "buckets")), keys(input(src, "replication", "destination_bucket_arns")); strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("%s: buckets %v but replication destinations %v", src.Path, a, b)
		}
		if a, b := keys(input(src, "buckets")), keys(input(dst, "buckets")); strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("replica buckets %v differ from the primary's %v", b, a)
		}
	}
}

func unitAt(tree *config.Tree, dir string) *config.Unit {
	for _, u := range tree.Units {
		if u.Dir == dir {
			return u
		}
	}
	return nil
}
