# A Fargate service unit, ecs-api or ecs-worker: its task with the X-Ray sidecar, its
# access to the database, the cache, the buckets and the secrets, autoscaling. Included by
# live/<env>/<region>/ecs-api/terragrunt.hcl and .../ecs-worker/terragrunt.hcl (the api
# also includes ecs-api.hcl: the load balancer in front of it). Terragrunt evaluates it in
# the unit's folder: the folder's name picks the service, dependency paths are relative
# to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  compute   = read_terragrunt_config("${local.envcommon}/compute.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals

  # ecs-api -> api, ecs-worker -> worker: compute.hcl's defaults and the ECR repository.
  service = trimprefix(basename(get_terragrunt_dir()), "ecs-")
}

terraform {
  source = local.compute[local.service].source
}

dependency "vpc" {
  config_path                             = "../vpc"
  mock_outputs                            = local.mocks.vpc
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "secrets" {
  config_path                             = "../secrets"
  mock_outputs                            = local.mocks.secrets
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "s3" {
  config_path                             = "../s3"
  mock_outputs                            = local.mocks.s3
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

dependency "ecr" {
  config_path                             = "../ecr"
  mock_outputs                            = local.mocks.ecr
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

dependency "ecs_cluster" {
  config_path                             = "../ecs-cluster"
  mock_outputs                            = local.mocks.ecs_cluster
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.compute[local.service].inputs, {
  cluster_arn          = dependency.ecs_cluster.outputs.cluster_arn
  cluster_name         = dependency.ecs_cluster.outputs.cluster_name
  exec_log_group_arn   = dependency.ecs_cluster.outputs.exec_log_group_arn
  exec_kms_key_arn     = dependency.ecs_cluster.outputs.exec_kms_key_arn
  vpc_id               = dependency.vpc.outputs.vpc_id
  vpc_cidr_block       = dependency.vpc.outputs.vpc_cidr_block
  subnet_ids           = dependency.vpc.outputs.private_subnet_ids
  image_repository_url = dependency.ecr.outputs.repository_urls[local.service]
  image_repository_arn = dependency.ecr.outputs.repository_arns[local.service]
  logs_kms_key_arn     = dependency.kms.outputs.key_arns["logs"]
  kms_key_arns         = [dependency.kms.outputs.key_arns["secrets"], dependency.kms.outputs.key_arns["compute"]]
  s3_bucket_arns       = values(dependency.s3.outputs.bucket_arns)
  s3_kms_key_arn       = dependency.kms.outputs.key_arns["s3"]

  database = {
    security_group_id   = dependency.aurora.outputs.security_group_id
    port                = dependency.aurora.outputs.port
    cluster_resource_id = dependency.aurora.outputs.cluster_resource_id
    username            = local.compute.database_user
  }

  cache = {
    security_group_id = dependency.elasticache.outputs.security_group_id
    port              = dependency.elasticache.outputs.port
  }

  secrets = {
    CACHE_AUTH_TOKEN = dependency.secrets.outputs.secret_arns["elasticache-auth-token"]
    APP_API_KEYS     = dependency.secrets.outputs.secret_arns["app-api-keys"]
  }

  environment_variables = {
    DATABASE_HOST        = dependency.aurora.outputs.endpoint
    DATABASE_READER_HOST = dependency.aurora.outputs.reader_endpoint
    DATABASE_PORT        = tostring(dependency.aurora.outputs.port)
    DATABASE_NAME        = dependency.aurora.outputs.database_name
    DATABASE_USER        = local.compute.database_user
    CACHE_HOST           = dependency.elasticache.outputs.primary_endpoint_address
    CACHE_PORT           = tostring(dependency.elasticache.outputs.port)
    CACHE_TLS            = "true"
    UPLOADS_BUCKET       = dependency.s3.outputs.bucket_names["uploads"]
    ARTIFACTS_BUCKET     = dependency.s3.outputs.bucket_names["artifacts"]
  }
})
