# KMS keys of the replica region: its own logs and monitoring keys, and replicas of eu-central-1's multi-region keys.
include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "security" {
  path           = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/security.hcl"
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
  source = include.security.locals.kms.source
}

# Terragrunt refuses to destroy this unit where the tier protects its data.
prevent_destroy = local.env.deletion_protection

dependency "primary_kms" {
  config_path                             = "../../eu-central-1/kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(include.security.locals.kms.inputs, {
  replicas = {
    for k in include.security.locals.replicated_keys : k => {
      primary_key_arn = dependency.primary_kms.outputs.key_arns[k]
      description     = include.security.locals.kms_keys[k].description
    }
  }
})
