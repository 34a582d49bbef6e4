# The vpc unit: VPC over three zones, public, private and database subnets, NAT by tier,
# flow logs, endpoints. Included by live/<env>/<region>/vpc/terragrunt.hcl; Terragrunt
# evaluates it in that unit's folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  network   = read_terragrunt_config("${local.envcommon}/network.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.network.vpc.source
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.network.vpc.inputs, {
  logs_kms_key_arn = dependency.kms.outputs.key_arns["logs"]
})
