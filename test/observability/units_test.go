// Package observability tests the bootstrap and monitoring parts of the platform:
// modules/state-backend, modules/github-oidc, modules/observability and their units in
// live/. Every unit renders with olechka's config engine; its inputs are checked against
// its module (names, required variables, validations); the tier invariants of alarms and
// retention hold; the files are fmt-clean and valid against the AWS provider schema.
package observability

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
)

// Our modules and where their units live.
var (
	ourModules = []string{"state-backend", "github-oidc", "observability"}
	wantUnits  = []string{
		"dev/ap-southeast-1/observability",
		"dev/eu-central-1/github-oidc",
		"dev/eu-central-1/observability",
		"dev/eu-central-1/state-backend",
		"production/eu-central-1/github-oidc",
		"production/eu-central-1/observability",
		"production/eu-central-1/state-backend",
		"staging/eu-central-1/github-oidc",
		"staging/eu-central-1/observability",
		"staging/eu-central-1/state-backend",
	}
	tiers = []string{"dev", "staging", "production"}
)

var (
	treeOnce sync.Once
	tree     *config.Tree
	treeErr  error
)

// renderTree evaluates live/ once for the package, offline, dependencies from mocks.
func renderTree(t *testing.T) *config.Tree {
	t.Helper()
	root := testenv.RepoRoot(t)
	treeOnce.Do(func() {
		ev := config.NewEvaluator(config.Options{RepoRoot: root})
		tree, treeErr = ev.Tree(context.Background(), filepath.Join(root, "live"))
	})
	if treeErr != nil {
		t.Fatalf("render live/: %v", treeErr)
	}
	return tree
}

func component(u *config.Unit) string { return u.Path[strings.LastIndex(u.Path, "/")+1:] }

func ours(u *config.Unit) bool {
	return slices.Contains(ourModules, component(u))
}

// ourUnits returns our units by path; it fails when one does not render.
func ourUnits(t *testing.T) map[string]*config.Unit {
	t.Helper()
	tr := renderTree(t)
	for _, err := range tr.Errors {
		for _, m := range ourModules {
			if strings.Contains(err.Error(), "/"+m+"/") {
				t.Errorf("unit does not render: %v", err)
			}
		}
	}
	out := map[string]*config.Unit{}
	for _, u := range tr.Units {
		if ours(u) {
			out[u.Path] = u
		}
	}
	return out
}

// inputs decodes a unit's inputs into plain Go values.
func inputs(t *testing.T, u *config.Unit) map[string]any {
	t.Helper()
	b, err := ctyjson.Marshal(u.Config.Inputs, u.Config.Inputs.Type())
	if err != nil {
		t.Fatalf("%s: inputs: %v", u.Path, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func remoteState(t *testing.T, u *config.Unit) map[string]any {
	t.Helper()
	rs := u.Config.RemoteState
	if rs == nil {
		t.Fatalf("%s: no remote_state", u.Path)
	}
	b, err := ctyjson.Marshal(rs.Config, rs.Config.Type())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func strs(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

func TestEveryUnitRendersWhereItBelongs(t *testing.T) {
	units := ourUnits(t)
	var got []string
	for p := range units {
		got = append(got, p)
	}
	sort.Strings(got)
	if !slices.Equal(got, wantUnits) {
		t.Errorf("units:\n got %q\nwant %q", got, wantUnits)
	}
	for p, u := range units {
		dir, ok := u.Config.Terraform.LocalSourceDir()
		if !ok || filepath.Base(dir) != component(u) {
			t.Errorf("%s: source %q is not modules/%s", p, u.Config.Terraform.Source, component(u))
		}
	}
}

func TestInputsMatchModuleVariables(t *testing.T) {
	modules := map[string]*tfmodule.Module{}
	for p, u := range ourUnits(t) {
		dir, _ := u.Config.Terraform.LocalSourceDir()
		m, ok := modules[dir]
		if !ok {
			var diags hcl.Diagnostics
			if m, diags = tfmodule.Load(dir); diags.HasErrors() {
				t.Fatalf("module %s: %v", dir, diags)
			}
			modules[dir] = m
		}
		in := u.Config.Inputs
		names := map[string]bool{}
		for name, val := range in.AsValueMap() {
			names[name] = true
			v, ok := m.Variables[name]
			if !ok {
				t.Errorf("%s: input %q is not a variable of %s", p, name, filepath.Base(dir))
				continue
			}
			if diags := v.Check(val); diags.HasErrors() {
				t.Errorf("%s: input %q fails its variable: %v", p, name, diags)
			}
		}
		for _, req := range m.RequiredVariables() {
			if !names[req] {
				t.Errorf("%s: required variable %q is not set", p, req)
			}
		}
	}
}

// The observability units carry env.hcl's monitoring values, and those follow the tiers.
func TestObservabilityFollowsTheTier(t *testing.T) {
	units := ourUnits(t)
	type tierView struct {
		retention, cpu, errRate, latency, lagMS, evictions, xray float64
		emails                                                   []string
		insufficient                                             bool
		instances                                                float64
	}
	view := map[string]tierView{}
	for p, u := range units {
		if component(u) != "observability" {
			continue
		}
		in := inputs(t, u)
		th := obj(in["thresholds"])
		v := tierView{
			retention: num(in["log_retention_days"]), cpu: num(th["cpu_percent"]), errRate: num(th["error_rate_percent"]),
			latency: num(th["latency_p99_seconds"]), lagMS: num(th["aurora_replica_lag_ms"]), evictions: num(th["elasticache_evictions"]),
			xray: num(obj(obj(in["xray_sampling"])["api"])["fixed_rate"]), emails: strs(in["alarm_email_recipients"]),
			insufficient: in["notify_insufficient_data"] == true, instances: num(in["aurora_instance_count"]),
		}
		// The spec's alarms: CPU > 75 %, error rate > 2 %, latency > 1 s, in every tier.
		if v.cpu != 75 || v.errRate != 2 || v.latency != 1 {
			t.Errorf("%s: cpu %v / error rate %v / latency %v, the spec says 75 / 2 / 1", p, v.cpu, v.errRate, v.latency)
		}
		if len(v.emails) == 0 {
			t.Errorf("%s: nobody receives the alarms", p)
		}
		if in["slack_enabled"] != true || !strings.HasSuffix(in["forwarder_package_path"].(string), "/.olechka/dist/alarm-forwarder.zip") {
			t.Errorf("%s: the Slack route is off or its package is elsewhere: %v %v", p, in["slack_enabled"], in["forwarder_package_path"])
		}
		if svc := obj(in["ecs_services"]); len(svc) != 2 || obj(svc["api"])["log_group_name"] != "/ecs/ai-tools-api" {
			t.Errorf("%s: ecs_services %v", p, svc)
		}
		if ids := strs(in["elasticache_cluster_ids"]); len(ids) == 0 || !strings.HasSuffix(ids[0], "-001") {
			t.Errorf("%s: elasticache_cluster_ids %v", p, ids)
		}
		if !strings.Contains(in["kms_key_arn"].(string), ":key/") || in["kms_key_arn"] == in["logs_kms_key_arn"] {
			t.Errorf("%s: kms keys %v / %v (the monitoring and logs keys)", p, in["kms_key_arn"], in["logs_kms_key_arn"])
		}
		tier := strings.SplitN(p, "/", 2)[0]
		if old, ok := view[tier]; ok && (old.retention != v.retention || old.lagMS != v.lagMS) {
			t.Errorf("%s: regions of one tier disagree", p)
		}
		view[tier] = v
	}
	dev, stg, prod := view["dev"], view["staging"], view["production"]
	// Retention grows with the tier; production keeps at least 90 days.
	if !(dev.retention <= stg.retention && stg.retention <= prod.retention && prod.retention >= 90 && dev.retention >= 7) {
		t.Errorf("log retention dev %v, staging %v, production %v", dev.retention, stg.retention, prod.retention)
	}
	// Production is the strictest and the loudest.
	if !(prod.lagMS <= stg.lagMS && stg.lagMS <= dev.lagMS) || prod.evictions > dev.evictions {
		t.Errorf("replica lag ms %v/%v/%v, evictions %v/%v/%v", dev.lagMS, stg.lagMS, prod.lagMS, dev.evictions, stg.evictions, prod.evictions)
	}
	if !prod.insufficient || dev.insufficient {
		t.Error("production (only) should hear about INSUFFICIENT_DATA")
	}
	if len(prod.emails) < 2 {
		t.Errorf("production alarms reach %d address(es), want at least 2", len(prod.emails))
	}
	if !(prod.xray <= stg.xray && stg.xray <= dev.xray) {
		t.Errorf("X-Ray sampling dev %v staging %v production %v", dev.xray, stg.xray, prod.xray)
	}
	// A replica lag alarm needs replicas: production runs 3 instances, dev 1.
	if prod.instances < 2 || dev.instances != 1 {
		t.Errorf("aurora instances dev %v production %v", dev.instances, prod.instances)
	}
}

func TestBootstrapUnitsAgreeWithRootRemoteState(t *testing.T) {
	units := ourUnits(t)
	for _, tier := range tiers {
		sb := units[tier+"/eu-central-1/state-backend"]
		oidc := units[tier+"/eu-central-1/github-oidc"]
		if sb == nil || oidc == nil {
			t.Fatalf("%s: bootstrap units missing", tier)
		}
		rs := remoteState(t, sb)
		bucket, table, key := rs["bucket"].(string), rs["dynamodb_table"].(string), rs["kms_key_id"].(string)
		if !strings.HasPrefix(bucket, "terraform-state-"+sb.AccountID) && sb.AccountID != "" {
			t.Errorf("%s: state bucket %q", tier, bucket)
		}
		sin := inputs(t, sb)
		if sin["lock_table_name"] != table || sin["kms_key_alias"] != key || sin["create_kms_key"] != false {
			t.Errorf("%s: state-backend inputs %v vs remote_state table %q key %q", tier, sin, table, key)
		}
		if sin["aws_region"] != rs["region"] {
			t.Errorf("%s: the state-backend unit is in %v, the state bucket in %v", tier, sin["aws_region"], rs["region"])
		}
		// The generated import blocks adopt exactly what olechka bootstrap makes.
		var imports string
		for _, g := range sb.Config.Generate {
			if g.Name == "imports" {
				imports = g.Contents
			}
		}
		for _, want := range []string{
			"to = aws_s3_bucket.state\n  id = \"" + bucket + "\"",
			"to = aws_s3_bucket.logs\n  id = \"" + bucket + "-logs\"",
			"to = aws_dynamodb_table.lock\n  id = \"" + table + "\"",
		} {
			if !strings.Contains(imports, want) {
				t.Errorf("%s: imports.tf lacks %q:\n%s", tier, want, imports)
			}
		}
		for _, u := range []*config.Unit{sb, oidc} {
			if u.Config.PreventDestroy == nil || !*u.Config.PreventDestroy {
				t.Errorf("%s: prevent_destroy is not set", u.Path)
			}
		}

		oin := inputs(t, oidc)
		if got := strs(oin["state_bucket_names"]); !slices.Equal(got, []string{bucket}) || oin["lock_table_name"] != table {
			t.Errorf("%s: oidc state access %v / %v, remote_state %q / %q", tier, got, oin["lock_table_name"], bucket, table)
		}
		repo := "repo:" + oin["github_repository"].(string) + ":"
		for _, s := range strs(oin["apply_subjects"]) {
			rest := strings.TrimPrefix(s, repo)
			if rest == s || !strings.HasPrefix(rest, "environment:"+tier) || !strings.HasSuffix(rest, ":ref:refs/heads/main") {
				t.Errorf("%s: apply subject %q is not main in the %s environment(s)", tier, s, tier)
			}
			for _, other := range tiers {
				if other != tier && strings.Contains(rest, "environment:"+other) {
					t.Errorf("%s: apply subject %q trusts another tier's environment", tier, s)
				}
			}
		}
		for _, s := range strs(oin["plan_subjects"]) {
			if strings.Contains(s, ":environment:") || !strings.HasPrefix(s, repo) {
				t.Errorf("%s: plan subject %q", tier, s)
			}
		}
	}
	// One account per env: no two envs share a state bucket.
	seen := map[string]string{}
	for _, tier := range tiers {
		b := remoteState(t, units[tier+"/eu-central-1/state-backend"])["bucket"].(string)
		if prev, ok := seen[b]; ok {
			t.Errorf("%s and %s share the state bucket %s", prev, tier, b)
		}
		seen[b] = tier
	}
}

func TestObservabilityHookBuildsTheForwarder(t *testing.T) {
	u := ourUnits(t)["production/eu-central-1/observability"]
	hooks := u.Config.Terraform.BeforeHooks
	if len(hooks) != 1 || !slices.Contains(hooks[0].Execute, "./cmd/alarm-forwarder/package") {
		t.Fatalf("before hooks %+v", hooks)
	}
	in := inputs(t, u)
	if i := slices.Index(hooks[0].Execute, "-o"); i < 0 || hooks[0].Execute[i+1] != in["forwarder_package_path"] {
		t.Errorf("the hook writes %v, the module reads %v", hooks[0].Execute, in["forwarder_package_path"])
	}
	main := filepath.Join(testenv.RepoRoot(t), "cmd", "alarm-forwarder", "main.go")
	if _, err := os.Stat(main); err != nil {
		t.Error(err)
	}
	// The forwarder's sources belong to the unit: changing them changes the unit.
	if h, _ := in["forwarder_source_hash"].(string); len(h) != 64 || !slices.Contains(u.Files, main) {
		t.Errorf("forwarder_source_hash %q; unit files include main.go: %v", h, slices.Contains(u.Files, main))
	}
}
