include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/security/kms.hcl"
}

# Production's replica region: besides its own logs and monitoring keys (kms.hcl), it
# holds replicas of the primary region's multi-region keys.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  security  = read_terragrunt_config("${local.envcommon}/security.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

dependency "primary_kms" {
  config_path                             = "../../${local.security.region.primary_region}/kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = {
  replicas = {
    for k in local.security.replicated_keys : k => {
      primary_key_arn = dependency.primary_kms.outputs.key_arns[k]
      description     = local.security.kms_keys[k].description
    }
  }
}
