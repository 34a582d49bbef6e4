// Package gentree writes spec-shaped Terragrunt trees of any size for benchmarks and
// tests: root.hcl, _envcommon files, envs with account.hcl and env.hcl, regions with
// region.hcl, and units with dependencies and mock outputs.
package gentree

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Component is one kind of unit in every region.
type Component struct {
	Name   string
	Common string   // the _envcommon file it includes
	Deps   []string // components it depends on
}

// Components are the ~11 units of each region, shaped like the ai-tools platform.
var Components = []Component{
	{Name: "kms", Common: "storage"},
	{Name: "vpc", Common: "network"},
	{Name: "alb", Common: "network", Deps: []string{"vpc"}},
	{Name: "waf", Common: "network", Deps: []string{"alb"}},
	{Name: "secrets", Common: "storage", Deps: []string{"kms"}},
	{Name: "s3", Common: "storage", Deps: []string{"kms"}},
	{Name: "aurora", Common: "storage", Deps: []string{"vpc", "kms", "secrets"}},
	{Name: "elasticache", Common: "storage", Deps: []string{"vpc", "kms"}},
	{Name: "ecs-cluster", Common: "compute", Deps: []string{"vpc"}},
	{Name: "ecs-services", Common: "compute", Deps: []string{"ecs-cluster", "alb", "aurora", "elasticache", "s3", "secrets"}},
	{Name: "monitoring", Common: "monitoring", Deps: []string{"ecs-services", "alb", "aurora"}},
}

// Options sizes the tree.
type Options struct {
	Envs    int      // number of envs; the first three are dev, staging, production
	Regions []string // default eu-central-1, ap-southeast-1
}

// Units returns how many units Generate writes.
func (o Options) Units() int { return o.Envs * len(o.regions()) * len(Components) }

func (o Options) regions() []string {
	if len(o.Regions) == 0 {
		return []string{"eu-central-1", "ap-southeast-1"}
	}
	return o.Regions
}

// EnvName returns the name of env i.
func EnvName(i int) string {
	switch i {
	case 0:
		return "dev"
	case 1:
		return "staging"
	case 2:
		return "production"
	}
	return fmt.Sprintf("team-%02d", i-2)
}

// Generate writes the tree under dir: dir/live and dir/modules.
func Generate(dir string, o Options) error {
	w := writer{}
	live := filepath.Join(dir, "live")
	w.file(filepath.Join(live, "root.hcl"), rootHCL)
	for _, c := range []string{"network", "compute", "storage", "monitoring"} {
		w.file(filepath.Join(live, "_envcommon", c+".hcl"), fmt.Sprintf(envcommonHCL, c))
	}
	for _, c := range Components {
		w.file(filepath.Join(dir, "modules", c.Name, "main.tf"), moduleTF(c))
	}
	for i := 0; i < o.Envs; i++ {
		env := EnvName(i)
		tier := env
		if i > 2 {
			tier = "dev"
		}
		ed := filepath.Join(live, env)
		w.file(filepath.Join(ed, "account.hcl"), fmt.Sprintf("locals {\n  account_id = \"%012d\"\n}\n", 100000000000+i))
		w.file(filepath.Join(ed, "env.hcl"), envHCL(env, tier))
		for _, r := range o.regions() {
			rd := filepath.Join(ed, r)
			w.file(filepath.Join(rd, "region.hcl"), fmt.Sprintf("locals {\n  aws_region = %q\n}\n", r))
			for _, c := range Components {
				w.file(filepath.Join(rd, c.Name, "terragrunt.hcl"), unitHCL(c))
			}
		}
	}
	return w.err
}

type writer struct{ err error }

func (w *writer) file(p, content string) {
	if w.err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.err = err
		return
	}
	// Written as `tofu fmt` / `terragrunt hclfmt` would, so the tree is fmt-clean.
	w.err = os.WriteFile(p, hclwrite.Format([]byte(content)), 0o644)
}

const rootHCL = `locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl"))
  env     = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  region  = read_terragrunt_config(find_in_parent_folders("region.hcl"))
}

remote_state {
  backend = "s3"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    bucket         = "terraform-state-${local.account.locals.account_id}-${local.region.locals.aws_region}"
    key            = "${path_relative_to_include()}/tofu.tfstate"
    region         = local.region.locals.aws_region
    encrypt        = true
    dynamodb_table = "terraform-locks"
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<EOF
provider "aws" {
  region              = "${local.region.locals.aws_region}"
  allowed_account_ids = ["${local.account.locals.account_id}"]
}
EOF
}

inputs = {
  environment    = local.env.locals.environment
  tier           = local.env.locals.tier
  aws_region     = local.region.locals.aws_region
  aws_account_id = local.account.locals.account_id
}
`

const envcommonHCL = `locals {
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  domain = %q
}

inputs = {
  backup_retention_days = local.env.locals.backup_retention_days
  multi_az              = local.env.locals.multi_az
  domain                = local.domain
}
`

func envHCL(env, tier string) string {
	days, multi := 7, false
	switch tier {
	case "staging":
		days, multi = 14, true
	case "production":
		days, multi = 30, true
	}
	return fmt.Sprintf("locals {\n  environment           = %q\n  tier                  = %q\n  backup_retention_days = %d\n  multi_az              = %t\n}\n", env, tier, days, multi)
}

func unitHCL(c Component) string {
	var b strings.Builder
	b.WriteString("include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n\n")
	fmt.Fprintf(&b, "include \"envcommon\" {\n  path   = \"${dirname(find_in_parent_folders(\"root.hcl\"))}/_envcommon/%s.hcl\"\n  expose = true\n}\n\n", c.Common)
	fmt.Fprintf(&b, "terraform {\n  source = \"${get_repo_root()}/modules//%s\"\n}\n\n", c.Name)
	for _, d := range c.Deps {
		fmt.Fprintf(&b, "dependency %q {\n  config_path = \"../%s\"\n  mock_outputs = {\n    id  = \"mock-%s-id\"\n    arn = \"arn:aws:mock:::%s\"\n  }\n}\n\n", key(d), d, d, d)
	}
	b.WriteString("inputs = {\n")
	fmt.Fprintf(&b, "  name = \"ai-tools-%s\"\n", c.Name)
	for _, d := range c.Deps {
		fmt.Fprintf(&b, "  %s_id = dependency.%s.outputs.id\n", key(d), key(d))
	}
	b.WriteString("}\n")
	return b.String()
}

func key(s string) string { return strings.ReplaceAll(s, "-", "_") }

func moduleTF(c Component) string {
	var b strings.Builder
	for _, v := range []string{"name", "environment", "tier", "aws_region", "aws_account_id", "domain"} {
		fmt.Fprintf(&b, "variable %q {\n  type = string\n}\n\n", v)
	}
	b.WriteString("variable \"backup_retention_days\" {\n  type = number\n}\n\nvariable \"multi_az\" {\n  type = bool\n}\n\n")
	for _, d := range c.Deps {
		fmt.Fprintf(&b, "variable %q {\n  type = string\n}\n\n", key(d)+"_id")
	}
	fmt.Fprintf(&b, "resource \"terraform_data\" \"this\" {\n  input = var.name\n}\n\noutput \"id\" {\n  value = terraform_data.this.id\n}\n\noutput \"arn\" {\n  value = \"arn:aws:%s:::${var.name}\"\n}\n", c.Name)
	return b.String()
}
