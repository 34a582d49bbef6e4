package platform

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/graph"
)

// TestLiveLayout: the spec's hierarchy, every env and region with its stack, and every
// unit knows its env, region, tier and account.
func TestLiveLayout(t *testing.T) {
	tree := renderTree(t)
	have := map[string]bool{}
	for _, u := range tree.Units {
		have[u.Path] = true
	}
	var want []string
	for env, rs := range regions {
		for region, kind := range rs {
			for _, c := range stack[kind] {
				want = append(want, env+"/"+region+"/"+c)
			}
		}
	}
	sort.Strings(want)
	for _, p := range want {
		if !have[p] {
			t.Errorf("unit %s is missing", p)
		}
	}
	accounts := map[string]string{}
	for _, u := range tree.Units {
		env, region := envRegion(u)
		if _, ok := regions[env][region]; !ok {
			t.Errorf("%s: env/region %s/%s is not in the spec's layout", u.Path, env, region)
			continue
		}
		if u.Env != env || u.Region != region || u.Tier != env {
			t.Errorf("%s: env/region/tier = %q/%q/%q, want %s/%s/%s", u.Path, u.Env, u.Region, u.Tier, env, region, env)
		}
		if len(u.AccountID) != 12 {
			t.Errorf("%s: account id %q", u.Path, u.AccountID)
		}
		if prev, ok := accounts[env]; ok && prev != u.AccountID {
			t.Errorf("%s: account %s, but other %s units use %s", u.Path, u.AccountID, env, prev)
		}
		accounts[env] = u.AccountID
		if !platformUnit(u) {
			continue
		}
		dir := sourceDir(t, u)
		if filepath.Dir(dir) != filepath.Join(repoRoot(t), "modules") {
			t.Errorf("%s: module %s is not under modules/", u.Path, dir)
		}
		rs := u.Config.RemoteState
		if rs == nil || rs.Backend != "s3" {
			t.Errorf("%s: remote state is not the s3 backend", u.Path)
		}
	}
	if len(accounts) == 3 && (accounts["dev"] == accounts["staging"] || accounts["staging"] == accounts["production"] || accounts["dev"] == accounts["production"]) {
		t.Errorf("environments share an account: %v (one account per env)", accounts)
	}
}

// TestRootConfig: remote state in terraform-state-<account>-<region> with a key per
// unit, KMS and DynamoDB locking; the generated provider pins region, account and tags.
func TestRootConfig(t *testing.T) {
	tree := renderTree(t)
	keys := map[string]string{}
	for _, u := range tree.Units {
		rs := u.Config.RemoteState
		if rs == nil {
			t.Errorf("%s: no remote_state", u.Path)
			continue
		}
		c := rs.Config
		bucket := str(attr(c, "bucket"))
		if !strings.HasPrefix(bucket, "terraform-state-"+u.AccountID+"-") {
			t.Errorf("%s: state bucket %q, want terraform-state-%s-<region>", u.Path, bucket, u.AccountID)
		}
		key := str(attr(c, "key"))
		if key != u.Path+"/terraform.tfstate" {
			t.Errorf("%s: state key %q, want %s/terraform.tfstate", u.Path, key, u.Path)
		}
		if other, dup := keys[bucket+"/"+key]; dup {
			t.Errorf("%s and %s share the state object %s/%s", u.Path, other, bucket, key)
		}
		keys[bucket+"/"+key] = u.Path
		if enc, _ := boolean(attr(c, "encrypt")); !enc || str(attr(c, "kms_key_id")) == "" {
			t.Errorf("%s: state is not encrypted with a KMS key", u.Path)
		}
		if str(attr(c, "dynamodb_table")) == "" {
			t.Errorf("%s: state has no DynamoDB lock table", u.Path)
		}
		var provider string
		for _, g := range u.Config.Generate {
			if g.Name == "provider" {
				provider = g.Contents
			}
		}
		for _, want := range []string{
			`region              = "` + u.Region + `"`,
			`allowed_account_ids = ["` + u.AccountID + `"]`,
			`"environment":"` + u.Env + `"`,
			`"service":"ai-tools"`,
			`"managed-by":"terragrunt"`,
			`"repository":"github.com/terragrunt-olechka/olechka"`,
		} {
			if !strings.Contains(provider, want) {
				t.Errorf("%s: generated provider lacks %s:\n%s", u.Path, want, provider)
			}
		}
	}
}

// TestInputsMatchModules: every input names a variable the unit's module declares,
// every required variable is set, and every value (with mocked dependency outputs)
// converts to the variable's type and passes its validation blocks.
func TestInputsMatchModules(t *testing.T) {
	tree := renderTree(t)
	mods := moduleCache{}
	checked := 0
	for _, u := range tree.Units {
		if u.Config.Terraform == nil {
			continue
		}
		dir, ok := u.Config.Terraform.LocalSourceDir()
		if !ok {
			continue
		}
		m := mods.load(t, dir)
		inputs := u.Config.Inputs.AsValueMap()
		for name, v := range inputs {
			variable, ok := m.Variables[name]
			if !ok {
				t.Errorf("%s: input %q is not a variable of %s", u.Path, name, dir)
				continue
			}
			for _, d := range variable.Check(v) {
				t.Errorf("%s: input %s: %s", u.Path, name, d.Error())
			}
		}
		for _, name := range m.RequiredVariables() {
			if _, ok := inputs[name]; !ok {
				t.Errorf("%s: required variable %q of %s is not set", u.Path, name, dir)
			}
		}
		checked++
	}
	if checked < 52 {
		t.Errorf("checked %d units, want at least the platform's 52", checked)
	}
}

// nullableOutput matches an output description saying when the output is null.
var nullableOutput = regexp.MustCompile(`\bnull (when|in|without)\b`)

// TestDependencies: every dependency points at a unit of the tree, its mock outputs are
// outputs the dependency's module declares (and, for the platform's units, all of them
// but the ones documented as null in some configurations: OpenTofu stores no null
// output, so with mock_outputs_merge_strategy_with_state = "shallow" a mock of one would
// stand in for the real null in every later plan), and the graph has no cycle. Cross-region edges exist only where production replicates.
func TestDependencies(t *testing.T) {
	tree := renderTree(t)
	mods := moduleCache{}
	byDir := map[string]*config.Unit{}
	for _, u := range tree.Units {
		byDir[u.Dir] = u
	}
	nodes := map[string][]string{}
	for _, u := range tree.Units {
		nodes[u.Path] = nil
		for _, d := range u.Config.Dependency {
			dep, ok := byDir[d.Dir]
			if !ok {
				t.Errorf("%s: dependency %q points at %s, which is not a unit", u.Path, d.Name, d.Dir)
				continue
			}
			nodes[u.Path] = append(nodes[u.Path], dep.Path)
			if env, _ := envRegion(dep); env != u.Env {
				t.Errorf("%s: dependency %q crosses environments (%s)", u.Path, d.Name, dep.Path)
			}
			if dep.Region != u.Region && u.Env != "production" {
				t.Errorf("%s: dependency %q crosses regions outside production (%s)", u.Path, d.Name, dep.Path)
			}
			if dep.Config.Terraform == nil {
				continue
			}
			depDir, ok := dep.Config.Terraform.LocalSourceDir()
			if !ok {
				continue
			}
			outputs := mods.load(t, depDir).Outputs
			mocked := map[string]bool{}
			for _, k := range keys(d.MockOutputs) {
				mocked[k] = true
				if _, ok := outputs[k]; !ok {
					t.Errorf("%s: dependency %q mocks output %q, which %s does not declare", u.Path, d.Name, k, depDir)
				}
			}
			if platformUnit(u) && platformUnit(dep) {
				for k, o := range outputs {
					if !mocked[k] && !nullableOutput.MatchString(o.Description) {
						t.Errorf("%s: dependency %q has no mock for output %q", u.Path, d.Name, k)
					}
				}
			}
		}
	}
	waves, err := graph.New(nodes).Waves()
	if err != nil {
		t.Fatalf("dependency graph: %v", err)
	}
	if len(waves) < 4 {
		t.Errorf("only %d waves; the platform chains kms -> vpc -> data -> services", len(waves))
	}
	// The services come after everything they use.
	wave := map[string]int{}
	for i, w := range waves {
		for _, n := range w {
			wave[n] = i
		}
	}
	for env, rs := range regions {
		for region, kind := range rs {
			if kind != "full" {
				continue
			}
			p := func(c string) string { return fmt.Sprintf("%s/%s/%s", env, region, c) }
			for _, before := range []string{"kms", "vpc", "aurora", "elasticache", "s3", "secrets", "ecr", "alb", "ecs-cluster"} {
				if wave[p(before)] >= wave[p("ecs-api")] {
					t.Errorf("%s is not applied before %s", p(before), p("ecs-api"))
				}
			}
		}
	}
}

// TestUnitsIncludeTheirComponent: tier and region differences come from env.hcl and
// region.hcl, not from copies of the wiring. Every unit includes a component file under
// live/_envcommon/<domain>/ that holds its module source, dependency blocks and inputs;
// only production's replication units declare dependency blocks of their own (the
// replica region's keys and buckets do not exist in other tiers).
func TestUnitsIncludeTheirComponent(t *testing.T) {
	tree := renderTree(t)
	envcommon := filepath.Join(repoRoot(t), "live", "_envcommon")
	ownDeps := map[string]string{
		"production/ap-southeast-1/kms":   "primary_kms",
		"production/eu-central-1/s3":      "replica_kms replica_s3",
		"production/eu-central-1/secrets": "replica_kms",
	}
	for _, u := range tree.Units {
		components := 0
		for _, f := range u.Files {
			if filepath.Dir(filepath.Dir(f)) == envcommon {
				components++
			}
		}
		if components == 0 {
			t.Errorf("%s: includes no component file of live/_envcommon/<domain>/", u.Path)
		}
		p := filepath.Join(u.Dir, config.UnitFile)
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", p, diags)
		}
		var deps []string
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			if b.Type == "dependency" && len(b.Labels) == 1 {
				deps = append(deps, b.Labels[0])
			}
		}
		sort.Strings(deps)
		if got := strings.Join(deps, " "); got != ownDeps[u.Path] {
			t.Errorf("%s declares dependency blocks %q itself, want %q: shared wiring belongs in its component file", u.Path, got, ownDeps[u.Path])
		}
	}
}
