package detect_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/detect"
)

// want is one expected affected unit: "path action" with reason substrings.
type want struct {
	unit    string // "production/eu-central-1/aurora plan"
	reasons []string
}

// all returns every unit of the envs given, as plans.
func all(envNames ...string) []want {
	var out []want
	for _, e := range envNames {
		for _, u := range []string{"kms", "vpc", "aurora", "app"} {
			out = append(out, want{unit: e + "/eu-central-1/" + u + " plan"})
		}
	}
	return out
}

// corpus is the labelled set of changes: each with its exact expected affected set.
var corpus = []struct {
	name   string
	setup  func(r *repo) // applied to the base commit, if set
	change func(r *repo)
	want   []want
	// notes are the module-read notes detect must show (as warnings), each a substring.
	notes []string
}{
	{
		name: "edit a unit's inputs",
		change: func(r *repo) {
			r.edit("live/production/eu-central-1/aurora/terragrunt.hcl", `name           = "aurora"`, `name           = "aurora-main"`)
		},
		want: []want{
			{"production/eu-central-1/aurora plan", []string{`inputs.name: "aurora" -> "aurora-main"`}},
			{"production/eu-central-1/app plan", []string{"upstream changed: production/eu-central-1/aurora"}},
		},
	},
	{
		// The audit's miss: a module reading a file outside its folder.
		name: "edit a file a module reads outside its folder",
		setup: func(r *repo) {
			r.write("shared/policy.json", `{"allow": ["s3:GetObject"]}`+"\n")
			r.write("modules/kms/policy.tf", "resource \"terraform_data\" \"policy\" {\n  input = file(\"${path.module}/../../shared/policy.json\")\n}\n")
		},
		change: func(r *repo) {
			r.edit("shared/policy.json", `"s3:GetObject"`, `"s3:*"`)
		},
		want: []want{
			{"dev/eu-central-1/kms plan", []string{"module source changed: modules/kms (../../shared/policy.json)"}},
			{"staging/eu-central-1/kms plan", []string{"module source changed: modules/kms (../../shared/policy.json)"}},
			{"production/eu-central-1/kms plan", []string{"module source changed: modules/kms (../../shared/policy.json)"}},
		},
	},
	{
		// A path known only from a variable: the module depends on all it can see
		// from the known part of the path.
		name: "edit a file a module may read through a variable",
		setup: func(r *repo) {
			r.write("shared/a.json", "{}\n")
			r.write("modules/vpc/policy.tf", "variable \"policy\" {\n  type    = string\n  default = \"a\"\n}\n\nlocals {\n  dir = \"${path.module}/../../shared\"\n}\n\nresource \"terraform_data\" \"policy\" {\n  input = file(\"${local.dir}/${var.policy}.json\")\n}\n")
		},
		change: func(r *repo) {
			r.write("shared/c.json", "{}\n")
		},
		want: []want{
			{"dev/eu-central-1/vpc plan", []string{"module source changed: modules/vpc (../../shared/c.json)"}},
			{"staging/eu-central-1/vpc plan", nil}, {"production/eu-central-1/vpc plan", nil},
			{"dev/eu-central-1/aurora plan", []string{"upstream changed: dev/eu-central-1/vpc"}}, {"dev/eu-central-1/app plan", nil},
			{"staging/eu-central-1/aurora plan", nil}, {"staging/eu-central-1/app plan", nil},
			{"production/eu-central-1/aurora plan", nil}, {"production/eu-central-1/app plan", nil},
		},
		notes: []string{"modules/vpc/policy.tf:11: file(...) reads a path not known before plan; the module is taken to depend on every file under shared"},
	},
	{
		name: "edit root.hcl",
		change: func(r *repo) {
			r.edit("live/root.hcl", `owner = "platform"`, `owner = "platform-team"`)
		},
		want: all("dev", "staging", "production"),
	},
	{
		name: "edit an _envcommon file so only production's values change",
		change: func(r *repo) {
			r.edit("live/_envcommon/storage.hcl", "production = 14", "production = 30")
		},
		want: []want{
			{"production/eu-central-1/aurora plan", []string{"inputs.backup_retention_days: 14 -> 30"}},
			{"production/eu-central-1/app plan", []string{"upstream changed: production/eu-central-1/aurora"}},
		},
	},
	{
		name: "comment-only edits",
		change: func(r *repo) {
			r.edit("live/root.hcl", "remote_state {", "# State lives in S3.\nremote_state {")
			r.edit("live/_envcommon/storage.hcl", "inputs = {", "// retention by tier\ninputs = {")
			r.edit("live/dev/eu-central-1/app/terragrunt.hcl", `name        = "app"`, `name        = "app" /* the API */`)
			r.edit("live/dev/env.hcl", "locals {", "/* dev */\nlocals {")
		},
	},
	{
		name: "formatting-only edits",
		change: func(r *repo) {
			r.edit("live/root.hcl", "    bucket = ", "        bucket     =     ")
			r.edit("live/production/eu-central-1/aurora/terragrunt.hcl", "inputs = {\n  name           = \"aurora\"", "inputs = {\n\n\n    name = \"aurora\"")
			r.edit("live/staging/account.hcl", "locals {\n", "locals   {\n\n")
		},
	},
	{
		name: "unused locals",
		change: func(r *repo) {
			r.edit("live/root.hcl", "locals {", "locals {\n  unused = \"nobody reads this\"")
			r.edit("live/staging/eu-central-1/app/terragrunt.hcl", "terraform {", "locals {\n  note = 42\n}\n\nterraform {")
			r.edit("live/production/env.hcl", "locals {", "locals {\n  cost_center = \"1234\"")
		},
	},
	{
		name: "change a module's .tf",
		change: func(r *repo) {
			r.edit("modules/aurora/main.tf", "input = var.name", "input = upper(var.name)")
		},
		want: []want{
			{"dev/eu-central-1/aurora plan", []string{"module source changed: modules/aurora (main.tf)"}},
			{"staging/eu-central-1/aurora plan", nil},
			{"production/eu-central-1/aurora plan", nil},
			{"dev/eu-central-1/app plan", []string{"upstream changed: dev/eu-central-1/aurora"}},
			{"staging/eu-central-1/app plan", nil},
			{"production/eu-central-1/app plan", nil},
		},
	},
	{
		name: "add a file to a module",
		change: func(r *repo) {
			r.write("modules/kms/outputs.tf", "output \"arn\" {\n  value = terraform_data.key.id\n}\n")
		},
		want: []want{
			{"dev/eu-central-1/kms plan", []string{"module source changed: modules/kms (outputs.tf)"}},
			{"staging/eu-central-1/kms plan", nil},
			{"production/eu-central-1/kms plan", nil},
		},
	},
	{
		name: "rename a unit",
		change: func(r *repo) {
			r.git("mv", "live/dev/eu-central-1/app", "live/dev/eu-central-1/api")
		},
		want: []want{
			{"dev/eu-central-1/api plan", []string{"added"}},
			{"dev/eu-central-1/app destroy", []string{"removed"}},
		},
	},
	{
		name: "delete units",
		change: func(r *repo) {
			r.remove("live/production/eu-central-1/app")
			r.remove("live/production/eu-central-1/aurora")
		},
		want: []want{
			{"production/eu-central-1/app destroy", []string{"removed"}},
			{"production/eu-central-1/aurora destroy", []string{"removed"}},
		},
	},
	{
		name: "add a dependency",
		change: func(r *repo) {
			r.edit("live/dev/eu-central-1/aurora/terragrunt.hcl", `dependency "vpc" {`,
				"dependency \"kms\" {\n  config_path = \"../kms\"\n  mock_outputs = {\n    arn = \"arn:mock\"\n  }\n}\n\ndependency \"vpc\" {")
			r.edit("live/dev/eu-central-1/aurora/terragrunt.hcl", `name           = "aurora"`, "name           = \"aurora\"\n  kms_key_arn    = dependency.kms.outputs.arn")
		},
		want: []want{
			{"dev/eu-central-1/aurora plan", []string{`inputs.kms_key_arn: (none) -> "arn:mock"`, "dependency.kms: (none) -> "}},
			{"dev/eu-central-1/app plan", []string{"upstream changed: dev/eu-central-1/aurora"}},
		},
	},
	{
		name: "add an ordering-only dependency",
		change: func(r *repo) {
			r.edit("live/staging/eu-central-1/vpc/terragrunt.hcl", "terraform {", "dependencies {\n  paths = [\"../kms\"]\n}\n\nterraform {")
		},
		want: []want{
			{"staging/eu-central-1/vpc plan", []string{`dependencies: (none) -> {"paths":["live/staging/eu-central-1/kms"]}`}},
			{"staging/eu-central-1/aurora plan", []string{"upstream changed: staging/eu-central-1/vpc"}},
			{"staging/eu-central-1/app plan", []string{"upstream changed: staging/eu-central-1/vpc"}},
		},
	},
	{
		name: "change a file read through read_terragrunt_config and find_in_parent_folders",
		change: func(r *repo) {
			r.edit("live/dev/eu-central-1/region.hcl", `db_instance_class = "db.t4g.medium"`, `db_instance_class = "db.r6g.large"`)
		},
		want: []want{
			{"dev/eu-central-1/aurora plan", []string{`inputs.instance_class: "db.t4g.medium" -> "db.r6g.large"`}},
			{"dev/eu-central-1/app plan", []string{"upstream changed: dev/eu-central-1/aurora"}},
		},
	},
	{
		name: "a nearer file shadows one found by find_in_parent_folders",
		change: func(r *repo) {
			r.write("live/staging/eu-central-1/env.hcl", "locals {\n  environment = \"staging-eu\"\n  tier        = \"staging\"\n}\n")
		},
		want: all("staging"),
	},
	{
		name: "change a file read with file() by an _envcommon file",
		change: func(r *repo) {
			r.write("live/_envcommon/cidrs.json", `["10.0.0.0/8", "172.16.0.0/12"]`+"\n")
		},
		want: []want{
			{"dev/eu-central-1/vpc plan", []string{`inputs.allowed_cidrs: ["10.0.0.0/8"] -> ["10.0.0.0/8","172.16.0.0/12"]`}},
			{"staging/eu-central-1/vpc plan", nil},
			{"production/eu-central-1/vpc plan", nil},
			{"dev/eu-central-1/aurora plan", []string{"upstream changed: dev/eu-central-1/vpc"}},
			{"staging/eu-central-1/aurora plan", nil},
			{"production/eu-central-1/aurora plan", nil},
			{"dev/eu-central-1/app plan", []string{"upstream changed: dev/eu-central-1/aurora", "upstream changed: dev/eu-central-1/vpc"}},
			{"staging/eu-central-1/app plan", nil},
			{"production/eu-central-1/app plan", nil},
		},
	},
	{
		name: "change a unit's own file read with file()",
		change: func(r *repo) {
			r.write("live/staging/eu-central-1/app/policy.json", `{"Version": "2012-10-17", "Statement": []}`+"\n")
		},
		want: []want{{"staging/eu-central-1/app plan", []string{"inputs.policy: "}}},
	},
	{
		name: "change account.hcl",
		change: func(r *repo) {
			r.edit("live/production/account.hcl", "333333333333", "444444444444")
		},
		want: []want{
			{"production/eu-central-1/kms plan", []string{`inputs.aws_account_id: "333333333333" -> "444444444444"`, `remote_state.config.bucket: "state-333333333333" -> "state-444444444444"`}},
			{"production/eu-central-1/vpc plan", nil},
			{"production/eu-central-1/aurora plan", nil},
			{"production/eu-central-1/app plan", nil},
		},
	},
	{
		name: "change env.hcl of one env",
		change: func(r *repo) {
			r.edit("live/staging/env.hcl", `tier        = "staging"`, `tier        = "production"`)
		},
		want: []want{
			{"staging/eu-central-1/kms plan", []string{`inputs.tier: "staging" -> "production"`}},
			{"staging/eu-central-1/vpc plan", nil},
			{"staging/eu-central-1/aurora plan", []string{"inputs.backup_retention_days: 7 -> 14"}},
			{"staging/eu-central-1/app plan", nil},
		},
	},
	{
		name: "change a secret input",
		change: func(r *repo) {
			r.edit("live/dev/eu-central-1/app/terragrunt.hcl", `"hunter2"`, `"correct-horse"`)
		},
		want: []want{{"dev/eu-central-1/app plan", []string{"inputs.db_password: (sensitive value changed)"}}},
	},
	{
		name: "change a module that a module calls",
		change: func(r *repo) {
			r.edit("modules/shared/main.tf", `"ai-tools-${var.name}"`, `"ai-${var.name}"`)
		},
		want: []want{
			{"dev/eu-central-1/app plan", []string{"module source changed: modules/app (../shared/main.tf)"}},
			{"staging/eu-central-1/app plan", nil},
			{"production/eu-central-1/app plan", nil},
		},
	},
	{
		name: "switch a unit to another module",
		change: func(r *repo) {
			r.edit("live/dev/eu-central-1/kms/terragrunt.hcl", "modules//kms", "modules//vpc")
		},
		want: []want{{"dev/eu-central-1/kms plan", []string{`terraform.source: "../../../../modules//kms" -> "../../../../modules//vpc"`}}},
	},
	{
		name: "change a mock output that feeds an input",
		change: func(r *repo) {
			r.edit("live/production/eu-central-1/app/terragrunt.hcl", `endpoint = "db.mock"`, `endpoint = "db.mock.internal"`)
		},
		want: []want{{"production/eu-central-1/app plan", []string{`inputs.db_endpoint: "db.mock" -> "db.mock.internal"`}}},
	},
	{
		name: "add a mock output nothing uses",
		change: func(r *repo) {
			r.edit("live/production/eu-central-1/app/terragrunt.hcl", `endpoint = "db.mock"`, "endpoint = \"db.mock\"\n    port     = 5432")
		},
	},
	{
		name: "change a local that feeds an input",
		change: func(r *repo) {
			r.edit("live/_envcommon/storage.hcl", "dev = 1,", "dev = 3,")
		},
		want: []want{
			{"dev/eu-central-1/aurora plan", []string{"inputs.backup_retention_days: 1 -> 3"}},
			{"dev/eu-central-1/app plan", []string{"upstream changed: dev/eu-central-1/aurora"}},
		},
	},
	{
		name: "add a generate block to root.hcl",
		change: func(r *repo) {
			r.edit("live/root.hcl", "inputs = {", "generate \"provider\" {\n  path      = \"provider.tf\"\n  if_exists = \"overwrite_terragrunt\"\n  contents  = \"provider \\\"aws\\\" {}\"\n}\n\ninputs = {")
		},
		want: all("dev", "staging", "production"),
	},
	{
		name: "add a unit and a dependency on it",
		change: func(r *repo) {
			r.write("live/production/eu-central-1/dns/terragrunt.hcl", "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n\ninputs = {\n  name = \"dns\"\n}\n")
			r.edit("live/production/eu-central-1/app/terragrunt.hcl", `dependency "vpc" {`, "dependency \"dns\" {\n  config_path = \"../dns\"\n  mock_outputs = {\n    zone = \"example.com\"\n  }\n}\n\ndependency \"vpc\" {")
		},
		want: []want{
			{"production/eu-central-1/dns plan", []string{"added"}},
			{"production/eu-central-1/app plan", []string{"dependency.dns: (none) -> ", "upstream changed: production/eu-central-1/dns"}},
		},
	},
	{
		name: "delete a file that shadowed one found by find_in_parent_folders",
		setup: func(r *repo) {
			r.write("live/dev/eu-central-1/account.hcl", "locals {\n  account_id = \"999999999999\"\n}\n")
		},
		change: func(r *repo) {
			r.remove("live/dev/eu-central-1/account.hcl")
		},
		want: all("dev"),
	},
	{
		name: "change a file outside the tree that no unit reads",
		change: func(r *repo) {
			r.write("README.md", "# docs\n")
			r.write("modules/README.md", "modules\n")
		},
	},
}

// TestCorpus checks every labelled change: exact affected set and actions, the
// reasons named, and the same answer with and without the fast path.
func TestCorpus(t *testing.T) {
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t, fixture())
			if c.setup != nil {
				c.setup(r)
				r.commit("setup")
			}
			r.git("checkout", "-q", "-b", "change")
			c.change(r)
			r.commit(c.name)
			ctx := context.Background()
			res, err := detect.Run(ctx, detect.Options{Root: filepath.Join(r.dir, "live")})
			if err != nil {
				t.Fatal(err)
			}
			checkWant(t, res, c.want)
			full, err := detect.Run(ctx, detect.Options{Root: filepath.Join(r.dir, "live"), Full: true})
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.MarshalIndent(res, "", " ")
			b, _ := json.MarshalIndent(full, "", " ")
			if string(a) != string(b) {
				t.Errorf("the fast path and a full evaluation disagree:\nfast: %s\nfull: %s", a, b)
			}
			var warnings, notes []string
			for _, w := range res.Warnings {
				if strings.Contains(w, "reads a path not known before plan") {
					notes = append(notes, w)
				} else {
					warnings = append(warnings, w)
				}
			}
			if len(res.HeadErrors) > 0 || len(warnings) > 0 {
				t.Errorf("unexpected errors %v, warnings %v", res.HeadErrors, warnings)
			}
			if len(notes) != len(c.notes) {
				t.Errorf("module-read notes %q, want %q", notes, c.notes)
			}
			for i := range min(len(notes), len(c.notes)) {
				if !strings.Contains(notes[i], c.notes[i]) {
					t.Errorf("note %q, want %q", notes[i], c.notes[i])
				}
			}
			t.Logf("base units evaluated: %d of %d (%s)", res.Stats.BaseEvaluated, res.Stats.BaseUnits, res.Stats.FullBase)
		})
	}
}

func checkWant(t *testing.T, res *detect.Result, want []want) {
	t.Helper()
	var got, exp []string
	byUnit := map[string]detect.Affected{}
	for _, u := range res.Units {
		k := u.Path + " " + u.Action
		got = append(got, k)
		byUnit[k] = u
	}
	for _, w := range want {
		exp = append(exp, w.unit)
	}
	sort.Strings(got)
	sort.Strings(exp)
	if !reflect.DeepEqual(got, exp) {
		t.Fatalf("affected units:\n got  %q\n want %q\nreasons: %s", got, exp, dump(res))
	}
	for _, w := range want {
		u := byUnit[w.unit]
		for _, r := range w.reasons {
			found := false
			for _, x := range u.Reasons {
				found = found || strings.Contains(x, r)
			}
			if !found {
				t.Errorf("%s: no reason contains %q; reasons: %q", w.unit, r, u.Reasons)
			}
		}
		for _, x := range u.Reasons {
			if strings.Contains(x, "hunter2") || strings.Contains(x, "correct-horse") {
				t.Errorf("%s: a reason shows a secret: %q", w.unit, x)
			}
		}
	}
}

func dump(res *detect.Result) string {
	b, _ := json.MarshalIndent(res.Units, "", "  ")
	return string(b)
}

// TestFastPathMatchesFull combines pairs of corpus changes in one commit and checks
// that evaluating only the units whose files changed gives the same answer as
// evaluating every unit at both commits.
func TestFastPathMatchesFull(t *testing.T) {
	for i := range corpus {
		a, b := corpus[i], corpus[(i+7)%len(corpus)]
		if a.setup != nil || b.setup != nil {
			continue
		}
		t.Run(a.name+" + "+b.name, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t, fixture())
			r.git("checkout", "-q", "-b", "change")
			a.change(r)
			b.change(r)
			r.commit("both")
			ctx := context.Background()
			fast, err := detect.Run(ctx, detect.Options{Root: filepath.Join(r.dir, "live")})
			if err != nil {
				t.Fatal(err)
			}
			full, err := detect.Run(ctx, detect.Options{Root: filepath.Join(r.dir, "live"), Full: true})
			if err != nil {
				t.Fatal(err)
			}
			fa, _ := json.MarshalIndent(fast, "", " ")
			fb, _ := json.MarshalIndent(full, "", " ")
			if string(fa) != string(fb) {
				t.Errorf("the fast path and a full evaluation disagree:\nfast: %s\nfull: %s", fa, fb)
			}
		})
	}
}
