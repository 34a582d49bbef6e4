# The s3 unit: the service's buckets, versioned, SSE-KMS, private, TLS-only, with
# lifecycle rules (in a replica region: the destinations of the primary's replication).
# Included by live/<env>/<region>/s3/terragrunt.hcl; Terragrunt evaluates it in that
# unit's folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  storage   = read_terragrunt_config("${local.envcommon}/storage.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.storage.s3.source
}

# Terragrunt refuses to destroy this unit where the tier protects its data.
prevent_destroy = local.storage.env.deletion_protection

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.storage.s3.inputs, {
  kms_key_arn = dependency.kms.outputs.key_arns["s3"]
})
