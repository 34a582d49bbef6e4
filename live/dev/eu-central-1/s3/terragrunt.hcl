# S3 buckets of the service: versioned, SSE-KMS, private, TLS-only, with lifecycle rules.
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
  source = include.storage.locals.s3.source
}

# Terragrunt refuses to destroy this unit where the tier protects its data.
prevent_destroy = local.env.deletion_protection

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(include.storage.locals.s3.inputs, {
  kms_key_arn = dependency.kms.outputs.key_arns["s3"]
})
