include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/storage/s3.hcl"
}

# Production replicates every bucket to its twin in the replica region (env.hcl
# replica_region), encrypted there with the replica region's key.
locals {
  env   = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  mocks = read_terragrunt_config("${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/mocks.hcl").locals
}

dependency "replica_s3" {
  config_path                             = "../../${local.env.replica_region}/s3"
  mock_outputs                            = local.mocks.s3
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "replica_kms" {
  config_path                             = "../../${local.env.replica_region}/kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = {
  replication = {
    destination_bucket_arns = dependency.replica_s3.outputs.bucket_arns
    destination_kms_key_arn = dependency.replica_kms.outputs.key_arns["s3"]
  }
}
