# Aurora PostgreSQL: CMK-encrypted, private, IAM auth, Performance Insights, backups by tier.
include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "storage" {
  path           = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/storage.hcl"
  expose         = true
  merge_strategy = "no_merge"
}

include "mocks" {
  path           = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/mocks.hcl"
  expose         = true
  merge_strategy = "no_merge"
}

locals {
  env   = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  mocks = include.mocks.locals
}

terraform {
  source = include.storage.locals.aurora.source
}

# Terragrunt refuses to destroy this unit where the tier protects its data.
prevent_destroy = local.env.deletion_protection

dependency "vpc" {
  config_path                             = "../vpc"
  mock_outputs                            = local.mocks.vpc
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "secrets" {
  config_path                             = "../secrets"
  mock_outputs                            = local.mocks.secrets
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(include.storage.locals.aurora.inputs, {
  vpc_id              = dependency.vpc.outputs.vpc_id
  subnet_ids          = dependency.vpc.outputs.database_subnet_ids
  availability_zones  = dependency.vpc.outputs.availability_zones
  kms_key_arn         = dependency.kms.outputs.key_arns["aurora"]
  secrets_kms_key_arn = dependency.kms.outputs.key_arns["secrets"]
  logs_kms_key_arn    = dependency.kms.outputs.key_arns["logs"]
  global_cluster      = { role = include.storage.locals.aurora.global_role }
  # A global primary keeps its master password in Secrets Manager itself.
  master_password_secret_arn = include.storage.locals.aurora.global_role == "primary" ? try(dependency.secrets.outputs.secret_arns["aurora-master-password"], null) : null
})
