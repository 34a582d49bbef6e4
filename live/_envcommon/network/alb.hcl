# The alb unit: the public application load balancer of the API, HTTPS with ACM, HTTP
# redirect, access logs. Included by live/<env>/<region>/alb/terragrunt.hcl; Terragrunt
# evaluates it in that unit's folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  network   = read_terragrunt_config("${local.envcommon}/network.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.network.alb.source
}

dependency "vpc" {
  config_path                             = "../vpc"
  mock_outputs                            = local.mocks.vpc
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.network.alb.inputs, {
  vpc_id            = dependency.vpc.outputs.vpc_id
  public_subnet_ids = dependency.vpc.outputs.public_subnet_ids
})
