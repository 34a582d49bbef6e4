# Public application load balancer of the API: HTTPS with ACM, HTTP redirect, access logs.
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
  source = include.network.locals.alb.source
}

dependency "vpc" {
  config_path                             = "../vpc"
  mock_outputs                            = local.mocks.vpc
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(include.network.locals.alb.inputs, {
  vpc_id            = dependency.vpc.outputs.vpc_id
  public_subnet_ids = dependency.vpc.outputs.public_subnet_ids
})
