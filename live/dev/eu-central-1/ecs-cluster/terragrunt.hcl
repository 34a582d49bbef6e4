# ECS cluster with Container Insights; Fargate capacity by tier.
include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "compute" {
  path           = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/compute.hcl"
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
  source = include.compute.locals.ecs_cluster.source
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(include.compute.locals.ecs_cluster.inputs, {
  kms_key_arn      = dependency.kms.outputs.key_arns["compute"]
  logs_kms_key_arn = dependency.kms.outputs.key_arns["logs"]
})
