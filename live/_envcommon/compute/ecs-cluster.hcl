# The ecs-cluster unit: the ECS cluster with Container Insights, Fargate capacity by tier.
# Included by live/<env>/<region>/ecs-cluster/terragrunt.hcl; Terragrunt evaluates it in
# that unit's folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  compute   = read_terragrunt_config("${local.envcommon}/compute.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.compute.ecs_cluster.source
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.compute.ecs_cluster.inputs, {
  kms_key_arn      = dependency.kms.outputs.key_arns["compute"]
  logs_kms_key_arn = dependency.kms.outputs.key_arns["logs"]
})
