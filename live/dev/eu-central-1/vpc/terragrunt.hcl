# VPC over three zones: public, private and database subnets, NAT by tier, flow logs, endpoints.
include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "network" {
  path           = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/network.hcl"
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
  source = include.network.locals.vpc.source
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(include.network.locals.vpc.inputs, {
  logs_kms_key_arn = dependency.kms.outputs.key_arns["logs"]
})
