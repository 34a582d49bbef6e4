package validate

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// A small spec-shaped tree that passes every check: production with vpc, aurora and
// alb units in eu-central-1, modules with variables and outputs.
var goodTree = map[string]string{
	"live/root.hcl": `locals {
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  region = read_terragrunt_config(find_in_parent_folders("region.hcl"))
}

inputs = {
  environment = local.env.locals.environment
  tier        = local.env.locals.tier
  aws_region  = local.region.locals.aws_region
  tags = {
    environment = local.env.locals.environment
    service     = "ai-tools"
    managed-by  = "terragrunt"
    repository  = "github.com/terragrunt-olechka/olechka"
  }
}
`,
	"live/production/env.hcl": `locals {
  environment           = "production"
  tier                  = "production"
  backup_retention_days = 30
  monthly_budget_usd    = 5000
}
`,
	"live/production/eu-central-1/region.hcl": `locals {
  aws_region = "eu-central-1"
}
`,
	"live/production/eu-central-1/vpc/terragrunt.hcl": `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "${get_repo_root()}/modules//vpc"
}

inputs = {
  cidr               = "10.0.0.0/16"
  azs                = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
  single_nat_gateway = false
}
`,
	"live/production/eu-central-1/aurora/terragrunt.hcl": `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "${get_repo_root()}/modules//aurora"
}

prevent_destroy = true

dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id          = "vpc-123"
    private_subnets = ["subnet-a", "subnet-b"]
  }
}

inputs = {
  vpc_id                  = dependency.vpc.outputs.vpc_id
  subnet_ids              = dependency.vpc.outputs.private_subnets
  instance_class          = "db.r6g.large"
  instance_count          = 2
  backup_retention_period = 30
  kms_key_arn             = "arn:aws:kms:eu-central-1:111111111111:key/abc"
}
`,
	"live/production/eu-central-1/alb/terragrunt.hcl": `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "${get_repo_root()}/modules//alb"
}

dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id         = "vpc-123"
    public_subnets = ["subnet-c", "subnet-d"]
  }
}

inputs = {
  vpc_id     = dependency.vpc.outputs.vpc_id
  subnet_ids = dependency.vpc.outputs.public_subnets
  ingress_rules = [
    { from_port = 80, to_port = 80, cidr_blocks = ["0.0.0.0/0"] },
    { from_port = 443, to_port = 443, cidr_blocks = ["0.0.0.0/0"] },
  ]
}
`,
	"modules/vpc/main.tf": `variable "environment" {
  type = string
}
variable "tier" {
  type = string
}
variable "aws_region" {
  type = string
}
variable "tags" {
  type = map(string)
}
variable "cidr" {
  type = string
  validation {
    condition     = can(cidrhost(var.cidr, 0))
    error_message = "cidr must be a CIDR block."
  }
}
variable "azs" {
  type = list(string)
}
variable "single_nat_gateway" {
  type    = bool
  default = false
}
output "vpc_id" {
  value = "x"
}
output "private_subnets" {
  value = []
}
output "public_subnets" {
  value = []
}
`,
	"modules/aurora/main.tf": `variable "environment" {
  type = string
}
variable "tier" {
  type = string
}
variable "aws_region" {
  type = string
}
variable "tags" {
  type = map(string)
}
variable "vpc_id" {
  type = string
}
variable "subnet_ids" {
  type = list(string)
}
variable "instance_class" {
  type = string
}
variable "instance_count" {
  type    = number
  default = 2
}
variable "backup_retention_period" {
  type    = number
  default = 7
}
variable "deletion_protection" {
  type    = bool
  default = true
}
variable "publicly_accessible" {
  type    = bool
  default = false
}
variable "kms_key_arn" {
  type = string
}
output "endpoint" {
  value = "x"
}
`,
	"modules/alb/main.tf": `variable "environment" {
  type = string
}
variable "tier" {
  type = string
}
variable "aws_region" {
  type = string
}
variable "tags" {
  type = map(string)
}
variable "vpc_id" {
  type = string
}
variable "subnet_ids" {
  type = list(string)
}
variable "ingress_rules" {
  type = list(object({
    from_port   = number
    to_port     = number
    cidr_blocks = list(string)
  }))
  default = []
}
variable "deletion_protection" {
  type    = bool
  default = true
}
output "arn" {
  value = "x"
}
`,
}

// writeTree writes goodTree with changes (a "" value deletes a file) into a temp folder.
func writeTree(t *testing.T, changes map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := maps.Clone(goodTree)
	for k, v := range changes {
		if v == "" {
			delete(files, k)
		} else {
			files[k] = v
		}
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func run(t *testing.T, dir string, o Options) *Result {
	t.Helper()
	o.Root = filepath.Join(dir, "live")
	o.RepoRoot = dir
	if o.PolicyDirs == nil {
		o.PolicyDirs = []string{filepath.Join(testenv.RepoRoot(t), "policy")}
	}
	if o.Only == nil {
		o.Only = []string{"lint,policy,cost"}
	}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func find(r *Result, check, rule string) *finding.Finding {
	for i, f := range r.Findings {
		if f.Check == check && f.Rule == rule {
			return &r.Findings[i]
		}
	}
	return nil
}

func dump(r *Result) string {
	var b bytes.Buffer
	_ = WriteText(&b, r, false)
	return b.String()
}
