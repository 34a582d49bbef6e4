# The aurora unit: Aurora PostgreSQL, CMK-encrypted, private, IAM auth, Performance
# Insights, backups by tier; a regional cluster, or the primary of a Global Database where
# the tier replicates. Included by live/<env>/<region>/aurora/terragrunt.hcl (the replica
# region's secondary includes aurora-global-secondary.hcl); Terragrunt evaluates it in
# that unit's folder, so dependency paths are relative to the unit.
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

dependency "secrets" {
  config_path                             = "../secrets"
  mock_outputs                            = local.mocks.secrets
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
  global_cluster      = { role = local.storage.aurora.global_role }
  # A global primary keeps its master password in Secrets Manager itself.
  master_password_secret_arn = local.storage.aurora.global_role == "primary" ? try(dependency.secrets.outputs.secret_arns["aurora-master-password"], null) : null
})
