# The elasticache unit: a Valkey replication group, encrypted at rest and in transit,
# AUTH token, multi-AZ by tier. Included by live/<env>/<region>/elasticache/terragrunt.hcl;
# Terragrunt evaluates it in that unit's folder, so dependency paths are relative to the
# unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  storage   = read_terragrunt_config("${local.envcommon}/storage.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.storage.elasticache.source
}

# Terragrunt refuses to destroy this unit where the tier protects its data.
prevent_destroy = local.storage.env.deletion_protection

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

inputs = merge(local.storage.elasticache.inputs, {
  vpc_id                = dependency.vpc.outputs.vpc_id
  subnet_ids            = dependency.vpc.outputs.database_subnet_ids
  kms_key_arn           = dependency.kms.outputs.key_arns["elasticache"]
  logs_kms_key_arn      = dependency.kms.outputs.key_arns["logs"]
  auth_token_secret_arn = dependency.secrets.outputs.secret_arns["elasticache-auth-token"]
})
