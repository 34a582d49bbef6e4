package platform

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
	"github.com/zclconf/go-cty/cty"
)

// platformModules are the modules this package owns; other modules (state-backend,
// github-oidc, observability) are tested by their own packages but their units still
// go through the tree-wide checks here.
var platformModules = []string{
	"alb", "aurora", "ecr", "ecs-cluster", "ecs-service", "elasticache",
	"kms", "network", "s3", "secrets", "waf",
}

// stack lists the platform's units in a region, by the region's stack kind.
var stack = map[string][]string{
	"full": {
		"alb", "aurora", "ecr", "ecs-api", "ecs-cluster", "ecs-worker",
		"elasticache", "kms", "s3", "secrets", "vpc", "waf",
	},
	"replica": {"aurora", "kms", "s3", "vpc"},
}

// regions is the spec's env -> region -> stack layout.
var regions = map[string]map[string]string{
	"dev":        {"eu-central-1": "full", "ap-southeast-1": "full"},
	"staging":    {"eu-central-1": "full"},
	"production": {"eu-central-1": "full", "ap-southeast-1": "replica"},
}

// statefulUnits hold data; they carry prevent_destroy where the tier protects data.
var statefulUnits = map[string]bool{"aurora": true, "elasticache": true, "kms": true, "s3": true, "secrets": true}

func repoRoot(t testing.TB) string { return testenv.RepoRoot(t) }

// renderTree evaluates every unit under live/ as `olechka render` does: offline,
// dependency outputs from mock_outputs.
func renderTree(t testing.TB) *config.Tree {
	t.Helper()
	root := repoRoot(t)
	ev := config.NewEvaluator(config.Options{RepoRoot: root})
	tree, err := ev.Tree(context.Background(), filepath.Join(root, "live"))
	if err != nil {
		t.Fatalf("render live/: %v", err)
	}
	for _, err := range tree.Errors {
		t.Errorf("unit does not render: %v", err)
	}
	if t.Failed() {
		t.FailNow()
	}
	return tree
}

// component is the last element of a unit path ("vpc" of "dev/eu-central-1/vpc").
func component(u *config.Unit) string { return u.Path[strings.LastIndex(u.Path, "/")+1:] }

// envRegion splits "dev/eu-central-1/vpc" into dev and eu-central-1.
func envRegion(u *config.Unit) (string, string) {
	parts := strings.Split(u.Path, "/")
	if len(parts) < 3 {
		return "", ""
	}
	return parts[0], parts[1]
}

// platformUnit tells the platform's own units from the ones other modules provide.
func platformUnit(u *config.Unit) bool {
	env, region := envRegion(u)
	kind, ok := regions[env][region]
	if !ok {
		return false
	}
	for _, c := range stack[kind] {
		if c == component(u) {
			return true
		}
	}
	return false
}

// units returns the platform units of one env, keyed by "region/component".
func units(t testing.TB, tree *config.Tree, env string) map[string]*config.Unit {
	t.Helper()
	out := map[string]*config.Unit{}
	for _, u := range tree.Units {
		e, region := envRegion(u)
		if e == env && platformUnit(u) {
			out[region+"/"+component(u)] = u
		}
	}
	return out
}

// envLocals returns the locals of the env.hcl of the unit's env (live/<env>/env.hcl),
// which the unit must have read. env.hcl holds literal values only.
func envLocals(t testing.TB, u *config.Unit) cty.Value {
	t.Helper()
	env, _ := envRegion(u)
	p := filepath.Join(repoRoot(t), "live", env, "env.hcl")
	if !slices.Contains(u.Files, p) {
		t.Fatalf("%s does not read %s", u.Path, p)
	}
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", p, diags)
	}
	vals := map[string]cty.Value{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "locals" {
			continue
		}
		for name, a := range b.Body.Attributes {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("%s: local %s is not a literal value: %v", p, name, diags)
			}
			vals[name] = v
		}
	}
	return cty.ObjectVal(vals)
}

// moduleCache loads each module folder once per test.
type moduleCache map[string]*tfmodule.Module

func (c moduleCache) load(t testing.TB, dir string) *tfmodule.Module {
	t.Helper()
	if m, ok := c[dir]; ok {
		return m
	}
	m, diags := tfmodule.Load(dir)
	if diags.HasErrors() {
		t.Fatalf("module %s: %v", dir, diags)
	}
	c[dir] = m
	return m
}

// sourceDir is the unit's local module folder.
func sourceDir(t testing.TB, u *config.Unit) string {
	t.Helper()
	if u.Config.Terraform == nil {
		t.Fatalf("%s: no terraform block", u.Path)
	}
	dir, ok := u.Config.Terraform.LocalSourceDir()
	if !ok {
		t.Fatalf("%s: terraform.source %q is not a local module", u.Path, u.Config.Terraform.Source)
	}
	return dir
}

// attr walks an object or map value by attribute names; cty.NilVal when absent.
func attr(v cty.Value, path ...string) cty.Value {
	for _, p := range path {
		if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
			return cty.NilVal
		}
		t := v.Type()
		switch {
		case t.IsObjectType():
			if !t.HasAttribute(p) {
				return cty.NilVal
			}
			v = v.GetAttr(p)
		case t.IsMapType():
			if !v.HasIndex(cty.StringVal(p)).True() {
				return cty.NilVal
			}
			v = v.Index(cty.StringVal(p))
		default:
			return cty.NilVal
		}
	}
	return v
}

func input(u *config.Unit, path ...string) cty.Value {
	return attr(u.Config.Inputs, path...)
}

func str(v cty.Value) string {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func num(v cty.Value) int {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return -1
	}
	i, _ := v.AsBigFloat().Int64()
	return int(i)
}

func boolean(v cty.Value) (value, ok bool) {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
		return false, false
	}
	return v.True(), true
}

func isNull(v cty.Value) bool { return v == cty.NilVal || v.IsNull() }

// keys returns the sorted attribute names of an object or the keys of a map.
func keys(v cty.Value) []string {
	if isNull(v) || !v.CanIterateElements() || v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType() {
		return nil
	}
	var out []string
	for k := range v.AsValueMap() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func list(v cty.Value) []string {
	if isNull(v) || !v.CanIterateElements() {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, str(e))
	}
	return out
}

// moduleDirs returns the folders of the platform's modules.
func moduleDirs(t testing.TB) []string {
	t.Helper()
	var dirs []string
	for _, m := range platformModules {
		d := filepath.Join(repoRoot(t), "modules", m)
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			t.Fatalf("module %s is missing", d)
		}
		dirs = append(dirs, d)
	}
	return dirs
}
