# The observability unit: alarms, the alarm topic (email + Slack through the alarm
# forwarder), dashboards and X-Ray of this env and region, on the tier's thresholds
# (env.hcl monitoring). Included by live/<env>/<region>/observability/terragrunt.hcl;
# Terragrunt evaluates it in that unit's folder, so dependency paths are relative to the
# unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  mon       = read_terragrunt_config("${local.envcommon}/monitoring.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.mon.observability.source

  # The forwarder's zip must exist before OpenTofu hashes it (source_code_hash).
  before_hook "package_alarm_forwarder" {
    commands = ["plan", "apply"]
    execute  = ["go", "-C", local.mon.repo, "run", "./cmd/alarm-forwarder/package", "-o", local.mon.forwarder_package]
  }
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "ecs_cluster" {
  config_path                             = "../ecs-cluster"
  mock_outputs                            = local.mocks.ecs_cluster
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "ecs_api" {
  config_path                             = "../ecs-api"
  mock_outputs                            = local.mon.mocks.ecs_api
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "ecs_worker" {
  config_path                             = "../ecs-worker"
  mock_outputs                            = local.mon.mocks.ecs_worker
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "alb" {
  config_path                             = "../alb"
  mock_outputs                            = local.mocks.alb
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "aurora" {
  config_path                             = "../aurora"
  mock_outputs                            = local.mocks.aurora
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "elasticache" {
  config_path                             = "../elasticache"
  mock_outputs                            = local.mocks.elasticache
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.mon.observability.inputs, {
  kms_key_arn      = dependency.kms.outputs.key_arns["monitoring"]
  logs_kms_key_arn = dependency.kms.outputs.key_arns["logs"]
  ecs_cluster_name = dependency.ecs_cluster.outputs.cluster_name
  ecs_services = {
    api    = { service_name = dependency.ecs_api.outputs.service_name, log_group_name = dependency.ecs_api.outputs.log_group_name }
    worker = { service_name = dependency.ecs_worker.outputs.service_name, log_group_name = dependency.ecs_worker.outputs.log_group_name }
  }
  alb_arn_suffix              = dependency.alb.outputs.alb_arn_suffix
  api_target_group_arn_suffix = dependency.alb.outputs.api_target_group_arn_suffix
  aurora_cluster_identifier   = dependency.aurora.outputs.cluster_identifier
  elasticache_cluster_ids     = [for i in range(local.mon.elasticache_nodes) : format("%s-%03d", dependency.elasticache.outputs.replication_group_id, i + 1)]
})
