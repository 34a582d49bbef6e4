# Compute components (spec box "Compute"): ECR repositories, the ECS cluster and the two
# Fargate services, api (behind the load balancer) and worker. Per component, the module
# source and the inputs that follow from the tier; the component files in compute/ read
# this file and add the dependency blocks and the inputs they feed.
locals {
  # Read (read_terragrunt_config) by a component file for the unit that includes it:
  # get_original_terragrunt_dir() is that unit's folder, live/<env>/<region>/<unit>.
  region_dir = dirname(get_original_terragrunt_dir())
  env_dir    = dirname(local.region_dir)

  modules = "${dirname(dirname(find_in_parent_folders("root.hcl")))}/modules"
  env     = read_terragrunt_config("${local.env_dir}/env.hcl").locals

  ecr = {
    source = "${local.modules}/ecr"
    inputs = {
      repositories = ["api", "worker"]
      force_delete = local.env.force_destroy
    }
  }

  ecs_cluster = {
    source = "${local.modules}/ecs-cluster"
    inputs = {
      capacity_provider   = local.env.capacity_provider
      capacity_commitment = local.env.capacity_commitment
      container_insights  = local.env.container_insights
      log_retention_days  = local.env.log_retention_days
    }
  }

  # Settings both services share.
  service_common = {
    capacity_provider      = local.env.capacity_provider
    enable_execute_command = local.env.ecs_exec_enabled
    log_retention_days     = local.env.log_retention_days
  }

  # The application user both services connect to Aurora as (IAM authentication).
  database_user = "ai_tools_app"

  api = {
    source = "${local.modules}/ecs-service"
    inputs = merge(local.service_common, {
      name                = "api"
      image_tag           = local.env.image_tags.api
      cpu                 = local.env.api.cpu
      memory              = local.env.api.memory
      desired_count       = local.env.api.desired_count
      min_capacity        = local.env.api.min_capacity
      max_capacity        = local.env.api.max_capacity
      requests_per_target = local.env.api.requests_per_target
      container_port      = 8080
    })
  }

  worker = {
    source = "${local.modules}/ecs-service"
    inputs = merge(local.service_common, {
      name          = "worker"
      image_tag     = local.env.image_tags.worker
      cpu           = local.env.worker.cpu
      memory        = local.env.worker.memory
      desired_count = local.env.worker.desired_count
      min_capacity  = local.env.worker.min_capacity
      max_capacity  = local.env.worker.max_capacity
    })
  }
}
