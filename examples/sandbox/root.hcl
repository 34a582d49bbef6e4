# Root configuration of the sandbox tree, shaped like live/root.hcl: state in S3 with
# locking, common inputs from account.hcl / env.hcl / region.hcl.
#
# OLECHKA_LOCAL=1 points the s3 backend at olechka's embedded state store
# (OLECHKA_STATE_ENDPOINT, set by olechka plan/apply or printed by `olechka state serve`).
# OLECHKA_LOCK_ENDPOINT (a DynamoDB endpoint such as dynalite) switches locking from the
# S3 lockfile to a DynamoDB table, as in the spec.
locals {
  account = read_terragrunt_config(find_in_parent_folders("account.hcl"))
  env     = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  region  = read_terragrunt_config(find_in_parent_folders("region.hcl"))

  local_mode     = get_env("OLECHKA_LOCAL", "") == "1"
  state_endpoint = get_env("OLECHKA_STATE_ENDPOINT", "http://127.0.0.1:9000")
  lock_endpoint  = get_env("OLECHKA_LOCK_ENDPOINT", "")
  lock_table     = get_env("OLECHKA_LOCK_TABLE", "olechka-sandbox-locks")

  # Only on the embedded store: no account lookups. The store's per-run credentials come
  # from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, set by olechka), never
  # from this block: backend settings are saved in plan files and .terraform/.
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
  }
  # DynamoDB locking when a lock endpoint is given, the S3 lockfile otherwise. (Objects
  # with different attributes cannot be the two arms of a conditional; filter instead.)
  locking = {
    for k, v in { dynamodb_table = local.lock_table, use_lockfile = true } :
    k => v if(k == "dynamodb_table") == (local.lock_endpoint != "")
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
      bucket  = "olechka-sandbox-state-${local.account.locals.account_id}"
      key     = "${path_relative_to_include()}/terraform.tfstate"
      region  = "eu-central-1"
      encrypt = true
    },
    local.locking,
    { for k, v in local.local_backend : k => v if local.local_mode },
  )
}

generate "versions" {
  path      = "versions_root.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-HCL
    terraform {
      required_version = ">= 1.6.0"
    }
  HCL
}

inputs = {
  project        = "ai-tools"
  environment    = local.env.locals.environment
  tier           = local.env.locals.tier
  aws_account_id = local.account.locals.account_id
  aws_region     = local.region.locals.aws_region
  tags = {
    environment = local.env.locals.environment
    service     = "ai-tools"
    managed-by  = "olechka"
    repository  = "terragrunt-olechka"
  }
}
