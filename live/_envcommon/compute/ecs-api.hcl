# What the api adds to a Fargate service (ecs-service.hcl): it runs behind the load
# balancer, registered in its target group, reachable from its security group. Included by
# live/<env>/<region>/ecs-api/terragrunt.hcl after ecs-service.hcl; its inputs merge
# with the service's.
locals {
  mocks = read_terragrunt_config("${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/mocks.hcl").locals
}

dependency "alb" {
  config_path                             = "../alb"
  mock_outputs                            = local.mocks.alb
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = {
  load_balancer = {
    target_group_arn        = dependency.alb.outputs.api_target_group_arn
    target_group_arn_suffix = dependency.alb.outputs.api_target_group_arn_suffix
    alb_arn_suffix          = dependency.alb.outputs.alb_arn_suffix
    security_group_id       = dependency.alb.outputs.security_group_id
  }
}
