# Root configuration: every unit includes it (include "root"). It sets
#   - remote state: S3 bucket terraform-state-<account_id>-<state_region>, one state key per
#     unit (its path under live/), SSE-KMS, DynamoDB locking;
#   - the aws provider: region, allowed account, default tags;
#   - the common inputs every module declares: environment, tier, aws_region,
#     aws_account_id, tags.
# Values come from account.hcl (env folder), env.hcl (env folder), region.hcl (region folder).
locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl")).locals
  env     = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  region  = read_terragrunt_config(find_in_parent_folders("region.hcl")).locals

  service    = "ai-tools"
  repository = "github.com/terragrunt-olechka/olechka"

  tags = {
    environment = local.env.environment
    service     = local.service
    managed-by  = "terragrunt"
    repository  = local.repository
  }
}

remote_state {
  backend = "s3"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    bucket         = "terraform-state-${local.account.aws_account_id}-${local.account.state_region}"
    key            = "${path_relative_to_include()}/terraform.tfstate"
    region         = local.account.state_region
    encrypt        = true
    kms_key_id     = local.account.state_kms_key_id
    dynamodb_table = local.account.state_lock_table
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOF
    provider "aws" {
      region              = "${local.region.aws_region}"
      allowed_account_ids = ["${local.account.aws_account_id}"]

      default_tags {
        tags = ${jsonencode(local.tags)}
      }
    }
  EOF
}

inputs = {
  environment    = local.env.environment
  tier           = local.env.tier
  aws_region     = local.region.aws_region
  aws_account_id = local.account.aws_account_id
  tags           = local.tags
}
