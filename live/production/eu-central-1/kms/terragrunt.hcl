# Customer-managed KMS keys, one per data domain (multi-region where the tier replicates).
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

inputs = include.security.locals.kms.inputs
