# The secrets unit: Secrets Manager secrets of the service, KMS-encrypted. Included by
# live/<env>/<region>/secrets/terragrunt.hcl; Terragrunt evaluates it in that unit's
# folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  security  = read_terragrunt_config("${local.envcommon}/security.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.security.secrets.source
}

# Terragrunt refuses to destroy this unit where the tier protects its data.
prevent_destroy = local.security.env.deletion_protection

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.security.secrets.inputs, {
  kms_key_arn = dependency.kms.outputs.key_arns["secrets"]
})
