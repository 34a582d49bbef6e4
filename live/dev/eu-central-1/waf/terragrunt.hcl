# WAF v2 web ACL on the load balancer: AWS managed rule groups, a rate limit, logging.
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
  source = include.security.locals.waf.source
}

dependency "alb" {
  config_path                             = "../alb"
  mock_outputs                            = local.mocks.alb
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(include.security.locals.waf.inputs, {
  alb_arn          = dependency.alb.outputs.alb_arn
  logs_kms_key_arn = dependency.kms.outputs.key_arns["logs"]
})
