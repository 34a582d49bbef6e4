# The aurora unit of a replica region: the Aurora Global Database secondary, a read-only
# replica of the primary region's cluster, promotable on failover. It has no secrets unit
# to depend on (the primary holds the master password) and joins the primary's global
# cluster. Included by production/ap-southeast-1/aurora/terragrunt.hcl; Terragrunt
# evaluates it in that unit's folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  storage   = read_terragrunt_config("${local.envcommon}/storage.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.storage.aurora.source
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

dependency "primary_aurora" {
  config_path                             = "../../${local.storage.region.primary_region}/aurora"
  mock_outputs                            = local.mocks.aurora_global_primary
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.storage.aurora.inputs, {
  vpc_id              = dependency.vpc.outputs.vpc_id
  subnet_ids          = dependency.vpc.outputs.database_subnet_ids
  availability_zones  = dependency.vpc.outputs.availability_zones
  kms_key_arn         = dependency.kms.outputs.key_arns["aurora"]
  secrets_kms_key_arn = dependency.kms.outputs.key_arns["secrets"]
  logs_kms_key_arn    = dependency.kms.outputs.key_arns["logs"]
  global_cluster = {
    role       = local.storage.aurora.global_role
    identifier = dependency.primary_aurora.outputs.global_cluster_identifier
  }
})
