include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/security/secrets.hcl"
}

# Production replicates the secrets to the replica region (env.hcl replica_region),
# encrypted there with the replica region's key.
locals {
  env   = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  mocks = read_terragrunt_config("${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/mocks.hcl").locals
}

dependency "replica_kms" {
  config_path                             = "../../${local.env.replica_region}/kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = {
  replica_regions = [{
    region      = local.env.replica_region
    kms_key_arn = dependency.replica_kms.outputs.key_arns["secrets"]
  }]
}
