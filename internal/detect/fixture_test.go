package detect_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A spec-shaped fixture: root.hcl reading account.hcl, env.hcl and region.hcl,
// _envcommon files, three envs in one region, four units each, local modules.
//
//	kms (wave 0)   vpc (wave 0)
//	      \         /  \
//	     aurora (wave 1) |
//	             \      /
//	              app (wave 2)
var envs = []struct{ name, account, tier string }{
	{"dev", "111111111111", "dev"},
	{"staging", "222222222222", "staging"},
	{"production", "333333333333", "production"},
}

func fixture() map[string]string {
	files := map[string]string{
		"live/root.hcl": `locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl"))
  env     = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  region  = read_terragrunt_config(find_in_parent_folders("region.hcl"))
}

remote_state {
  backend = "s3"
  config = {
    bucket = "state-${local.account.locals.account_id}"
    key    = "${path_relative_to_include()}/tofu.tfstate"
    region = local.region.locals.aws_region
  }
}

inputs = {
  environment    = local.env.locals.environment
  tier           = local.env.locals.tier
  aws_region     = local.region.locals.aws_region
  aws_account_id = local.account.locals.account_id
  tags           = { owner = "platform" }
}
`,
		"live/_envcommon/storage.hcl": `locals {
  env       = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  retention = { dev = 1, staging = 7, production = 14 }
}

inputs = {
  backup_retention_days = local.retention[local.env.locals.tier]
}
`,
		"live/_envcommon/network.hcl": `inputs = {
  allowed_cidrs = jsondecode(file("${get_repo_root()}/live/_envcommon/cidrs.json"))
}
`,
		"live/_envcommon/cidrs.json": `["10.0.0.0/8"]` + "\n",
		"modules/kms/main.tf":        "variable \"name\" {\n  type = string\n}\n\nresource \"terraform_data\" \"key\" {\n  input = var.name\n}\n",
		"modules/vpc/main.tf":        "variable \"name\" {\n  type = string\n}\n\nresource \"terraform_data\" \"vpc\" {\n  input = var.name\n}\n",
		"modules/aurora/main.tf":     "variable \"name\" {\n  type = string\n}\n\nresource \"terraform_data\" \"db\" {\n  input = var.name\n}\n",
		"modules/shared/main.tf":     "variable \"name\" {\n  type = string\n}\n\noutput \"label\" {\n  value = \"ai-tools-${var.name}\"\n}\n",
		"modules/app/main.tf":        "variable \"name\" {\n  type = string\n}\n\nmodule \"shared\" {\n  source = \"../shared\"\n  name   = var.name\n}\n\nresource \"terraform_data\" \"app\" {\n  input = module.shared.label\n}\n",
	}
	for _, e := range envs {
		files["live/"+e.name+"/account.hcl"] = fmt.Sprintf("locals {\n  account_id = %q\n}\n", e.account)
		files["live/"+e.name+"/env.hcl"] = fmt.Sprintf("locals {\n  environment = %q\n  tier        = %q\n}\n", e.name, e.tier)
		r := "live/" + e.name + "/eu-central-1/"
		files[r+"region.hcl"] = "locals {\n  aws_region        = \"eu-central-1\"\n  db_instance_class = \"db.t4g.medium\"\n}\n"
		files[r+"kms/terragrunt.hcl"] = `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "../../../../modules//kms"
}

inputs = {
  name = "kms"
}
`
		files[r+"vpc/terragrunt.hcl"] = `include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "network" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/network.hcl"
}

terraform {
  source = "../../../../modules//vpc"
}

inputs = {
  name = "vpc"
}
`
		files[r+"aurora/terragrunt.hcl"] = `include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "storage" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/storage.hcl"
}

locals {
  region = read_terragrunt_config(find_in_parent_folders("region.hcl"))
}

terraform {
  source = "../../../../modules//aurora"
}

dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id = "vpc-mock"
  }
}

inputs = {
  name           = "aurora"
  instance_class = local.region.locals.db_instance_class
  vpc_id         = dependency.vpc.outputs.vpc_id
}
`
		files[r+"app/terragrunt.hcl"] = `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "../../../../modules//app"
}

dependency "aurora" {
  config_path = "../aurora"
  mock_outputs = {
    endpoint = "db.mock"
  }
}

dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id = "vpc-mock"
  }
}

inputs = {
  name        = "app"
  db_endpoint = dependency.aurora.outputs.endpoint
  vpc_id      = dependency.vpc.outputs.vpc_id
  policy      = file("policy.json")
  db_password = "hunter2"
}
`
		files[r+"app/policy.json"] = `{"Version": "2012-10-17"}` + "\n"
	}
	return files
}

// repo is a git repository in a temporary folder.
type repo struct {
	t   testing.TB
	dir string
}

func newRepo(t testing.TB, files map[string]string) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &repo{t: t, dir: dir}
	r.git("init", "-q", "-b", "main")
	for p, c := range files {
		r.write(p, c)
	}
	r.commit("base")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) write(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) read(rel string) string {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

// edit replaces old with new in a file, failing when old is not there.
func (r *repo) edit(rel, old, new string) {
	r.t.Helper()
	s := r.read(rel)
	if !strings.Contains(s, old) {
		r.t.Fatalf("%s does not contain %q", rel, old)
	}
	r.write(rel, strings.Replace(s, old, new, 1))
}

// editRe replaces the matches of a regular expression, failing when there is none.
func (r *repo) editRe(rel, expr, repl string) {
	r.t.Helper()
	s := r.read(rel)
	re := regexp.MustCompile(expr)
	if !re.MatchString(s) {
		r.t.Fatalf("%s does not match %s", rel, expr)
	}
	r.write(rel, re.ReplaceAllString(s, repl))
}

func (r *repo) remove(rel string) {
	r.t.Helper()
	if err := os.RemoveAll(filepath.Join(r.dir, filepath.FromSlash(rel))); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}
