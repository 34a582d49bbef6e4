package config_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

func TestFindInParentFoldersDefaultAndMissing(t *testing.T) {
	root := writeTree(t, map[string]string{
		"terragrunt.hcl":       `inputs = { root = true }`,
		"a/terragrunt.hcl":     "include {\n  path = find_in_parent_folders()\n}\n",
		"b/c/terragrunt.hcl":   "inputs = {\n  x = find_in_parent_folders(\"missing.hcl\")\n}\n",
		"b/terragrunt.hcl.txt": "",
	})
	u := mustUnit(t, config.Options{}, root, "a")
	wantJSON(t, u, "inputs", `{"root": true}`)
	_, err := evalUnit(t, config.Options{}, root, "b/c")
	wantErr(t, err, "b/c/terragrunt.hcl:2:", "could not find a missing.hcl in any of the parent folders")
}

func TestFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"data/common.yaml": "owner: platform\nports: [80, 443]\n",
		"data/tmpl.txt":    "Hello ${name}, ${upper(team)}",
		"data/vars.tfvars": "size = 3\nname = \"x\"\n",
		"data/other.hcl":   "locals {\n  reader = get_original_terragrunt_dir()\n  mine = get_terragrunt_dir()\n}\n",
		"u/terragrunt.hcl": `
locals {
  yaml  = yamldecode(file("../data/common.yaml"))
  vars  = jsondecode(read_tfvars_file("../data/vars.tfvars"))
  other = read_terragrunt_config("../data/other.hcl")
  dflt  = read_terragrunt_config("../data/missing.hcl", { locals = { fallback = true } })
}
inputs = {
  owner       = local.yaml.owner
  ports       = local.yaml.ports
  size        = local.vars.size
  reader      = local.other.locals.reader
  mine        = local.other.locals.mine
  dflt        = local.dflt.locals.fallback
  marked      = mark_as_read("../data/marked.txt")
  tmpl        = templatefile("../data/tmpl.txt", { name = "ada", team = "infra" })
  subnet      = cidrsubnet("10.0.0.0/16", 8, 2)
  subnets     = cidrsubnets("10.0.0.0/16", 4, 4, 8)
  host        = cidrhost("10.0.0.0/24", 5)
  netmask     = cidrnetmask("10.0.0.0/16")
  tried       = try(local.yaml.nope, "default")
  can_ok      = can(local.yaml.owner)
  can_not     = can(local.yaml.nope)
  re          = replace("a-b-c", "/-/", "_")
  plain       = replace("a.b", ".", "-")
  len_str     = length("héllo")
  len_list    = length([1, 2, 3])
  json        = jsonencode({ a = 1 })
  yaml_out    = yamlencode({ a = "b" })
  b64         = base64encode("hi")
  sha         = sha256("x")
  merged      = merge({ a = 1 }, { b = 2 })
  flat        = flatten([[1], [2, 3]])
  env_set     = get_env("OLECHKA_TEST_SET")
  env_default = get_env("OLECHKA_TEST_UNSET", "dflt")
  account     = get_aws_account_id()
  num         = tonumber("42")
  str         = tostring(7)
  starts      = startswith("prod-eu", "prod")
  one         = one(["x"])
  sum         = sum([1, 2, 3])
  all         = alltrue([true, true])
  lookup      = lookup({ a = "b" }, "a", "z")
  fmt         = format("%s-%03d", "n", 7)
  join        = join(",", ["a", "b"])
  exists      = fileexists("../data/common.yaml")
  base        = basename("/a/b/c.txt")
}
`,
	})
	env := map[string]string{"OLECHKA_TEST_SET": "set", "OLECHKA_AWS_ACCOUNT_ID": "123456789012"}
	opts := config.Options{Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	u := mustUnit(t, opts, root, "u")
	unitDir := filepath.Join(root, "u")
	wantJSON(t, u, "inputs", `{
		"owner": "platform", "ports": [80, 443], "size": 3,
		"reader": "`+unitDir+`", "mine": "`+filepath.Join(root, "data")+`", "dflt": true,
		"marked": "../data/marked.txt", "tmpl": "Hello ada, INFRA",
		"subnet": "10.0.2.0/24", "subnets": ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"],
		"host": "10.0.0.5", "netmask": "255.255.0.0",
		"tried": "default", "can_ok": true, "can_not": false,
		"re": "a_b_c", "plain": "a-b", "len_str": 5, "len_list": 3,
		"json": "{\"a\":1}", "yaml_out": "\"a\": \"b\"\n", "b64": "aGk=",
		"sha": "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
		"merged": {"a": 1, "b": 2}, "flat": [1, 2, 3],
		"env_set": "set", "env_default": "dflt", "account": "123456789012",
		"num": 42, "str": "7", "starts": true, "one": "x", "sum": 6, "all": true,
		"lookup": "b", "fmt": "n-007", "join": "a,b", "exists": true, "base": "c.txt"}`)
	var rels []string
	for _, f := range u.Files {
		rels = append(rels, strings.TrimPrefix(f, root+"/"))
	}
	for _, want := range []string{"data/common.yaml", "data/vars.tfvars", "data/other.hcl", "data/marked.txt", "data/tmpl.txt"} {
		found := false
		for _, r := range rels {
			found = found || r == want
		}
		if !found {
			t.Errorf("%s not recorded as read; read: %v", want, rels)
		}
	}
}

func TestOfflineAndDisabledFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"aws/terragrunt.hcl":     "inputs = {\n  a = get_aws_account_id()\n}\n",
		"arn/terragrunt.hcl":     "inputs = {\n  a = get_aws_caller_identity_arn()\n}\n",
		"cmd/terragrunt.hcl":     "inputs = {\n  a = run_cmd(\"echo\", \"hello\")\n}\n",
		"unknown/terragrunt.hcl": "inputs = {\n  a = no_such_function()\n}\n",
	})
	_, err := evalUnit(t, config.Options{}, root, "aws")
	wantErr(t, err, "aws/terragrunt.hcl:2:", "get_aws_account_id needs AWS credentials", "OLECHKA_AWS_ACCOUNT_ID")
	_, err = evalUnit(t, config.Options{}, root, "arn")
	wantErr(t, err, "OLECHKA_AWS_CALLER_ARN")
	_, err = evalUnit(t, config.Options{}, root, "cmd")
	wantErr(t, err, "cmd/terragrunt.hcl:2:", "run_cmd is disabled", "--allow-run-cmd")
	u := mustUnit(t, config.Options{AllowRunCmd: true}, root, "cmd")
	wantJSON(t, u, "inputs", `{"a": "hello"}`)
	_, err = evalUnit(t, config.Options{}, root, "unknown")
	wantErr(t, err, "unknown/terragrunt.hcl:2:", "no_such_function")
}

func TestFrozenClock(t *testing.T) {
	root := writeTree(t, map[string]string{"u/terragrunt.hcl": "inputs = {\n  at = timestamp()\n}\n"})
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	u := mustUnit(t, config.Options{Now: func() time.Time { return at }}, root, "u")
	wantJSON(t, u, "inputs", `{"at": "2026-11-25T12:00:00Z"}`)
}

func TestLookupAsOpenTofu(t *testing.T) {
	root := writeTree(t, map[string]string{"u/terragrunt.hcl": `
locals {
  m = { a = "x", n = 1 }
}
inputs = {
  found    = lookup(local.m, "a", "d")
  fallback = lookup(local.m, "zz", 42)
  null_def = lookup(local.m, "zz", null) == null
  mapped   = lookup(tomap({ k = "v" }), "k")
}
`, "bad/terragrunt.hcl": "inputs = {\n  x = lookup({ a = 1 }, \"b\")\n}\n"})
	u := mustUnit(t, config.Options{}, root, "u")
	wantJSON(t, u, "inputs", `{"found": "x", "fallback": 42, "null_def": true, "mapped": "v"}`)
	_, err := evalUnit(t, config.Options{}, root, "bad")
	wantErr(t, err, "bad/terragrunt.hcl:2:", `lookup failed to find key "b"`)
}

// TestCompatFunctions: functions Terragrunt has that olechka lacked (issue 13, cause
// 8) and get_terraform_cli_args, which panicked on its empty list (cause 11).
func TestCompatFunctions(t *testing.T) {
	root := writeTree(t, map[string]string{
		"u/terragrunt.hcl": `
inputs = {
  idx     = index(["a", "b", "c"], "b")
  before  = timecmp("2024-01-01T00:00:00Z", "2024-06-01T00:00:00+02:00")
  same    = timecmp("2024-01-01T02:00:00+02:00", "2024-01-01T00:00:00Z")
  secret  = sensitive("s3cret")
  plain   = nonsensitive("x")
  retry   = length(get_default_retryable_errors()) > 20
  cliargs = get_terraform_cli_args()
}
`,
		"missing/terragrunt.hcl": `inputs = { i = index(["a"], "z") }`,
		"badtime/terragrunt.hcl": `inputs = { i = timecmp("yesterday", "2024-01-01T00:00:00Z") }`,
	})
	u := mustUnit(t, config.Options{}, root, "u")
	wantJSON(t, u, "inputs", `{"idx": 1, "before": -1, "same": 0, "secret": "s3cret", "plain": "x", "retry": true, "cliargs": []}`)
	_, err := evalUnit(t, config.Options{}, root, "missing")
	wantErr(t, err, "missing/terragrunt.hcl:1:", "item not found")
	_, err = evalUnit(t, config.Options{}, root, "badtime")
	wantErr(t, err, "badtime/terragrunt.hcl:1:", "RFC 3339")
}
