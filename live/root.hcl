# Root configuration: every unit includes it (include "root"). It sets
#   - remote state: S3 bucket terraform-state-<account_id>-<state_region>, one state key per
#     unit (its path under live/), SSE-KMS, DynamoDB locking;
#   - the aws provider: region, allowed account, default tags;
#   - the common inputs every module declares: environment, tier, aws_region,
#     aws_account_id, tags.
# Values come from account.hcl (env folder), env.hcl (env folder), region.hcl (region folder).
#
# Local mode (OLECHKA_LOCAL=1, set by `olechka ... --local`): the s3 backend talks to
# olechka's embedded state store (OLECHKA_STATE_ENDPOINT) with static keys and the S3
# lockfile (a DynamoDB endpoint in OLECHKA_LOCK_ENDPOINT keeps DynamoDB locking), and the
# aws provider installed from the tool cache is olechka's AWS simulator
# (docs/simulator.md). Outside local mode nothing below changes.
locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl")).locals
  env     = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  region  = read_terragrunt_config(find_in_parent_folders("region.hcl")).locals

  service    = "ai-tools"
  repository = "github.com/terragrunt-olechka/olechka"

  local_mode     = get_env("OLECHKA_LOCAL", "") == "1"
  state_endpoint = get_env("OLECHKA_STATE_ENDPOINT", "http://127.0.0.1:9000")
  lock_endpoint  = get_env("OLECHKA_LOCK_ENDPOINT", "")

  # Only on the embedded store: no AWS credentials, account lookups or KMS key.
  local_backend = {
    endpoints = merge(
      { s3 = local.state_endpoint },
      local.lock_endpoint != "" ? { dynamodb = local.lock_endpoint } : {},
    )
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    skip_s3_checksum            = true
    access_key                  = "olechka-local"
    secret_key                  = "olechka-local"
  }
  # Settings local mode drops: the KMS key (the embedded store has none) and, without a
  # DynamoDB endpoint, the lock table (the S3 lockfile locks instead).
  local_drops = concat(["kms_key_id"], local.lock_endpoint == "" ? ["dynamodb_table"] : [])

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
  config = merge(
    {
      for k, v in {
        bucket         = "terraform-state-${local.account.aws_account_id}-${local.account.state_region}"
        key            = "${path_relative_to_include()}/terraform.tfstate"
        region         = local.account.state_region
        encrypt        = true
        kms_key_id     = local.account.state_kms_key_id
        dynamodb_table = local.account.state_lock_table
      } : k => v if !(local.local_mode && contains(local.local_drops, k))
    },
    local.local_mode && local.lock_endpoint == "" ? { use_lockfile = true } : {},
    { for k, v in local.local_backend : k => v if local.local_mode },
  )
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
