package review

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func plan(unit string, wave int, s *artifact.Summary, deps ...string) *artifact.Plan {
	p := &artifact.Plan{Metadata: artifact.Metadata{Unit: unit, Action: artifact.ActionPlan, Status: artifact.StatusPlanned,
		Fingerprint: "fp-" + unit, Commit: "head", Wave: wave, DependsOn: deps}, Summary: s}
	if s != nil {
		p.Metadata.HasChanges = s.HasChanges
	}
	return p
}

func changes(add, change int) *artifact.Summary {
	s := &artifact.Summary{HasChanges: add+change > 0, Add: add, Change: change}
	for range add {
		s.Resources = append(s.Resources, artifact.ResourceChange{Address: "terraform_data.x", Action: artifact.ChangeCreate})
	}
	return s
}

func unit(path, env, tier, acct, approval string, p *artifact.Plan) Unit {
	return Unit{Path: path, Env: env, Tier: tier, AccountID: acct, Approval: approval, Plan: p, Fingerprint: "fp-" + path, Head: "head"}
}

func byUnit(ds []Decision) map[string]Decision {
	m := map[string]Decision{}
	for _, d := range ds {
		m[d.Unit] = d
	}
	return m
}

func TestDecide(t *testing.T) {
	replace := &artifact.Summary{HasChanges: true, Add: 1, Destroy: 1, Replace: 1, Resources: []artifact.ResourceChange{
		{Address: "aws_rds_cluster.main", Type: "aws_rds_cluster", Action: artifact.ChangeReplace, Stateful: true}}}
	del := &artifact.Summary{HasChanges: true, Destroy: 1, Resources: []artifact.ResourceChange{
		{Address: "aws_security_group_rule.x", Action: artifact.ChangeDelete}}}
	failed := plan("dev/eu/ecs", 2, nil, "dev/eu/vpc")
	failed.Metadata.Status, failed.Metadata.Error = artifact.StatusFailed, "Error: boom\nmore"
	stale := plan("staging/eu/vpc", 0, changes(1, 0))
	removed := plan("dev/eu/old", 0, &artifact.Summary{HasChanges: true, Destroy: 2})
	removed.Metadata.Action = artifact.ActionDestroy

	units := []Unit{
		unit("dev/eu/vpc", "dev", "dev", "111111111111", "auto", plan("dev/eu/vpc", 0, changes(2, 1))),
		unit("dev/eu/sg", "dev", "dev", "111111111111", "auto", plan("dev/eu/sg", 1, del)),
		unit("dev/eu/ecs", "dev", "dev", "111111111111", "auto", failed),
		unit("dev/eu/app", "dev", "dev", "111111111111", "auto", plan("dev/eu/app", 3, changes(1, 0), "dev/eu/ecs")),
		unit("dev/eu/noop", "dev", "dev", "111111111111", "auto", plan("dev/eu/noop", 0, changes(0, 0))),
		unit("dev/eu/old", "dev", "dev", "111111111111", "auto", removed),
		unit("production/eu/aurora", "production", "production", "333333333333", "manual", plan("production/eu/aurora", 1, replace)),
		unit("production/eu/kms", "production", "production", "333333333333", "", plan("production/eu/kms", 0, changes(1, 0))),
		unit("staging/eu/vpc", "staging", "staging", "222222222222", "auto", stale),
		unit("staging/eu/db", "staging", "staging", "222222222222", "auto", plan("staging/eu/db", 0, changes(1, 0))),
		unit("staging/eu/weird", "staging", "staging", "222222222222", "sometimes", plan("staging/eu/weird", 0, changes(1, 0))),
	}
	units[8].Fingerprint = "fp-changed-since"
	units[9].Findings = []finding.Finding{
		{Check: "policy", Level: finding.Error, Message: "no public database", File: "live/staging/eu/db/terragrunt.hcl", Line: 4},
		{Check: "security", Level: finding.Error, Message: "not blocking by default"},
		{Check: "policy", Level: finding.Warning, Message: "advice only"},
	}

	ds := byUnit(Decide(units, DefaultPolicy()))
	type want struct {
		gate   Gate
		env    string
		reason string
	}
	for path, w := range map[string]want{
		"dev/eu/vpc":           {Auto, "dev", "tier dev applies automatically"},
		"dev/eu/sg":            {Manual, "dev-approval", "destroys 1 and replaces 0"},
		"dev/eu/ecs":           {Blocked, "dev", "the plan failed: Error: boom"},
		"dev/eu/app":           {Blocked, "dev", "dependency dev/eu/ecs is blocked"},
		"dev/eu/noop":          {Auto, "dev", "no changes"},
		"dev/eu/old":           {Manual, "dev-approval", "the unit was removed"},
		"production/eu/aurora": {Manual, "production", "stateful: aws_rds_cluster.main"},
		"production/eu/kms":    {Manual, "production", "default; env.hcl sets no approval"},
		"staging/eu/vpc":       {Blocked, "staging", "the plan is stale"},
		"staging/eu/db":        {Blocked, "staging", "policy denies: no public database (live/staging/eu/db/terragrunt.hcl:4)"},
		"staging/eu/weird":     {Manual, "staging", "treated as manual"},
	} {
		d := ds[path]
		if d.Gate != w.gate || d.Environment != w.env || !strings.Contains(strings.Join(d.Reasons, "|"), w.reason) {
			t.Errorf("%s: gate %s env %s reasons %q; want %s %s %q", path, d.Gate, d.Environment, d.Reasons, w.gate, w.env, w.reason)
		}
	}
	if got := ds["production/eu/aurora"]; got.ApplyRoleARN != "arn:aws:iam::333333333333:role/github-actions-apply" ||
		got.PlanRoleARN != "arn:aws:iam::333333333333:role/github-actions-plan" {
		t.Errorf("role ARNs = %q %q", got.PlanRoleARN, got.ApplyRoleARN)
	}
	if got := ds["staging/eu/db"].Reasons; len(got) != 1 {
		t.Errorf("only the policy error blocks: %q", got)
	}
}

// A stale plan's reason names the likely cause: the environment it was planned in,
// OLECHKA_LOCAL=1 or OLECHKA_AWS=sim when the plan ran against simulated providers.
func TestStaleReasonNamesTheEnvironment(t *testing.T) {
	for _, simulated := range []bool{false, true} {
		u := unit("dev/eu/vpc", "dev", "dev", "1", "auto", plan("dev/eu/vpc", 0, changes(1, 0)))
		u.Plan.Metadata.Fingerprint = "fp-at-plan"
		u.Fingerprint = "fp-now"
		if simulated {
			u.Plan.Metadata.Simulated = []string{"registry.opentofu.org/hashicorp/aws"}
		}
		d := Decide([]Unit{u}, Policy{})[0]
		reasons := strings.Join(d.Reasons, "|")
		if d.Gate != Blocked || !strings.Contains(reasons, "the plan is stale") ||
			strings.Contains(reasons, "OLECHKA_LOCAL=1") != simulated {
			t.Errorf("simulated %v: gate %s, reasons %q", simulated, d.Gate, d.Reasons)
		}
	}
}

func TestStaleCommit(t *testing.T) {
	u := unit("dev/eu/vpc", "dev", "dev", "1", "auto", plan("dev/eu/vpc", 0, changes(1, 0)))
	u.Head = "0123456789abcdef"
	d := Decide([]Unit{u}, Policy{})[0]
	if d.Gate != Blocked || !strings.Contains(d.Reasons[0], "not at 0123456") {
		t.Errorf("decision = %+v", d)
	}
}

func TestGroups(t *testing.T) {
	units := []Unit{
		unit("dev/eu/vpc", "dev", "dev", "111", "auto", plan("dev/eu/vpc", 0, changes(1, 0))),
		unit("dev/eu/app", "dev", "dev", "111", "auto", plan("dev/eu/app", 1, changes(1, 0), "dev/eu/vpc")),
		unit("dev/eu/noop", "dev", "dev", "111", "auto", plan("dev/eu/noop", 0, changes(0, 0))),
		unit("production/eu/kms", "production", "production", "333", "manual", plan("production/eu/kms", 0, changes(1, 0))),
		unit("staging/eu/vpc", "staging", "staging", "222", "auto", plan("staging/eu/vpc", 2, changes(1, 0))),
	}
	gs := Groups(Decide(units, Policy{ApplyRoleName: "apply"}))
	want := []ApplyGroup{
		{Env: "dev", Environment: "dev", AccountID: "111", ApplyRoleARN: "arn:aws:iam::111:role/apply", Units: []string{"dev/eu/vpc", "dev/eu/app"}, UnitsArg: "dev/eu/vpc dev/eu/app"},
		{Env: "production", Environment: "production", AccountID: "333", ApplyRoleARN: "arn:aws:iam::333:role/apply", Manual: true, Units: []string{"production/eu/kms"}, UnitsArg: "production/eu/kms"},
		{Env: "staging", Environment: "staging", AccountID: "222", ApplyRoleARN: "arn:aws:iam::222:role/apply", Units: []string{"staging/eu/vpc"}, UnitsArg: "staging/eu/vpc", FirstWave: 2},
	}
	if !reflect.DeepEqual(gs, want) {
		t.Errorf("groups:\n%+v\nwant\n%+v", gs, want)
	}

	// A destructive unit moves its whole env's job into the approval environment.
	del := &artifact.Summary{HasChanges: true, Destroy: 1, Resources: []artifact.ResourceChange{{Address: "a.b", Action: artifact.ChangeDelete}}}
	units[2] = unit("dev/eu/sg", "dev", "dev", "111", "auto", plan("dev/eu/sg", 1, del))
	gs = Groups(Decide(units, Policy{}))
	if gs[0].Env != "dev" || gs[0].Environment != "dev-approval" || !gs[0].Manual || len(gs[0].Units) != 3 {
		t.Errorf("dev group = %+v", gs[0])
	}
}

func TestApprovalFromConfig(t *testing.T) {
	u := &config.Unit{Config: &config.Config{
		Inputs: cty.ObjectVal(map[string]cty.Value{"env": cty.StringVal("dev")}),
		Locals: cty.ObjectVal(map[string]cty.Value{
			"env_vars": cty.ObjectVal(map[string]cty.Value{"locals": cty.ObjectVal(map[string]cty.Value{
				"approval": cty.StringVal("manual"), "github_environment": cty.StringVal("dev-eu")})}),
		}),
	}}
	a, e, ae := Approval(u)
	if a != "manual" || e != "dev-eu" || ae != "" {
		t.Errorf("Approval = %q %q %q", a, e, ae)
	}
	u.Config.Inputs = cty.ObjectVal(map[string]cty.Value{"approval": cty.StringVal("auto")})
	if a, _, _ := Approval(u); a != "auto" {
		t.Errorf("inputs win over locals: %q", a)
	}
	if a, _, _ := Approval(&config.Unit{Config: &config.Config{Inputs: cty.EmptyObjectVal, Locals: cty.NullVal(cty.DynamicPseudoType)}}); a != "" {
		t.Errorf("unset approval = %q", a)
	}
}

func TestApprovalFromEnvHCLFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"root.hcl":                    "locals {\n  env = read_terragrunt_config(find_in_parent_folders(\"env.hcl\"))\n}\n",
		"production/env.hcl":          "locals {\n  tier = \"production\"\n  approval = lower(\"MANUAL\")\n  github_approval_environment = \"prod-gate\"\n}\n",
		"production/u/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
	}
	for p, c := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644)
	}
	u, err := config.NewEvaluator(config.Options{}).Unit(context.Background(), dir, filepath.Join(dir, "production/u"))
	if err != nil {
		t.Fatal(err)
	}
	// The unit's own render exposes none of env.hcl's locals (they sit in root.hcl's):
	// the evaluated env.hcl, computed values included, answers.
	a, e, ae := Approval(u)
	if a != "manual" || e != "" || ae != "prod-gate" {
		t.Errorf("Approval = %q %q %q", a, e, ae)
	}
}

// TestApprovalOfTheLiveTree reads the approval of real units: production is manual,
// dev and staging auto, as their env.hcl say; the bootstrap units (state-backend,
// github-oidc), applied by an administrator, are manual everywhere.
func TestApprovalOfTheLiveTree(t *testing.T) {
	root := filepath.Join(testenv.RepoRoot(t), "live")
	if _, err := os.Stat(root); err != nil {
		t.Skip("no live tree")
	}
	tree, err := config.NewEvaluator(config.Options{RepoRoot: testenv.RepoRoot(t)}).Tree(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, u := range tree.Units {
		a, _, _ := Approval(u)
		if base := filepath.Base(u.Path); base == "state-backend" || base == "github-oidc" {
			if a != "manual" {
				t.Errorf("%s: bootstrap unit has approval %q, want manual", u.Path, a)
			}
			continue
		}
		if prev, ok := seen[u.Env]; ok && prev != a {
			t.Errorf("%s: approval %q, other units of %s have %q", u.Path, a, u.Env, prev)
		}
		seen[u.Env] = a
	}
	if seen["production"] != "manual" || seen["dev"] != "auto" || seen["staging"] != "auto" {
		t.Errorf("approvals per env = %v", seen)
	}
}
