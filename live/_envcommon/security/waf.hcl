# The waf unit: WAF v2 web ACL on the load balancer, AWS managed rule groups, a rate
# limit, logging. Included by live/<env>/<region>/waf/terragrunt.hcl; Terragrunt evaluates
# it in that unit's folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  security  = read_terragrunt_config("${local.envcommon}/security.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.security.waf.source
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

inputs = merge(local.security.waf.inputs, {
  alb_arn          = dependency.alb.outputs.alb_arn
  logs_kms_key_arn = dependency.kms.outputs.key_arns["logs"]
})
