# Mock outputs of every component, used by dependency blocks while the dependency has no
# state yet (init, validate, plan of a fresh environment). Shaped like the modules'
# outputs, with values in the reading unit's account and region that are obviously fake.
# A plan built on mocks is recorded as such, and apply refuses it once real outputs differ.
# The component files (and production's replication units) read this file.
locals {
  # Read (read_terragrunt_config) by a component file for the unit that includes it:
  # get_original_terragrunt_dir() is that unit's folder, live/<env>/<region>/<unit>.
  region_dir = dirname(get_original_terragrunt_dir())
  env_dir    = dirname(local.region_dir)

  account = read_terragrunt_config("${local.env_dir}/account.hcl").locals
  env     = read_terragrunt_config("${local.env_dir}/env.hcl").locals
  region  = read_terragrunt_config("${local.region_dir}/region.hcl").locals

  id   = local.account.aws_account_id
  r    = local.region.aws_region
  name = "ai-tools-${local.env.environment}"
  # The modules' region code (eu-central-1 -> euc1): names built from it are known before
  # apply, so their mocks are the real names (a name that keys a for_each downstream,
  # like the cache nodes' alarms, then plans the same addresses on mocks as for real).
  region_code = "${split("-", local.r)[0]}${substr(split("-", local.r)[1], 0, 1)}${split("-", local.r)[2]}"
  azs         = ["${local.r}a", "${local.r}b", "${local.r}c"]

  allowed_commands = ["init", "validate", "plan"]

  kms_domains = ["logs", "monitoring", "secrets", "aurora", "elasticache", "s3", "compute"]
  kms = {
    key_arns    = { for i, k in local.kms_domains : k => format("arn:aws:kms:%s:%s:key/mrk-%032d", local.r, local.id, i + 1) }
    key_ids     = { for i, k in local.kms_domains : k => format("mrk-%032d", i + 1) }
    alias_names = { for k in local.kms_domains : k => "alias/${local.name}-${k}" }
  }

  vpc = {
    vpc_id                      = "vpc-00000000000000000"
    vpc_cidr_block              = local.region.vpc_cidr
    availability_zones          = local.azs
    public_subnet_ids           = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
    private_subnet_ids          = ["subnet-0000000000000001a", "subnet-0000000000000001b", "subnet-0000000000000001c"]
    private_subnet_cidrs        = [for i in range(3) : cidrsubnet(local.region.vpc_cidr, 2, i + 1)]
    database_subnet_ids         = ["subnet-0000000000000002a", "subnet-0000000000000002b", "subnet-0000000000000002c"]
    private_route_table_ids     = ["rtb-0000000000000000a", "rtb-0000000000000000b", "rtb-0000000000000000c"]
    nat_gateway_ids             = ["nat-00000000000000000"]
    nat_public_ips              = ["192.0.2.1"]
    s3_prefix_list_id           = "pl-00000000"
    endpoints_security_group_id = "sg-00000000000000001"
    flow_log_group_name         = "/vpc/${local.name}/flow-logs"
  }

  secret_keys = ["elasticache-auth-token", "app-api-keys", "aurora-master-password"]
  secrets = {
    secret_arns  = { for k in local.secret_keys : k => "arn:aws:secretsmanager:${local.r}:${local.id}:secret:ai-tools/${local.env.environment}/${k}-AbCdEf" }
    secret_names = { for k in local.secret_keys : k => "ai-tools/${local.env.environment}/${k}" }
  }

  s3 = {
    bucket_names       = { for k in ["uploads", "artifacts"] : k => "${local.name}-${k}-${local.id}-${local.r}" }
    bucket_arns        = { for k in ["uploads", "artifacts"] : k => "arn:aws:s3:::${local.name}-${k}-${local.id}-${local.r}" }
    access_logs_bucket = "${local.name}-s3-logs-${local.id}-${local.r}"
  }

  aurora = {
    cluster_identifier   = "${local.name}-${local.region_code}"
    cluster_arn          = "arn:aws:rds:${local.r}:${local.id}:cluster:${local.name}-${local.region_code}"
    cluster_resource_id  = "cluster-MOCKMOCKMOCKMOCKMOCKMOCKMO"
    endpoint             = "${local.name}-mock.cluster-mock.${local.r}.rds.amazonaws.com"
    reader_endpoint      = "${local.name}-mock.cluster-ro-mock.${local.r}.rds.amazonaws.com"
    port                 = 5432
    database_name        = "ai_tools"
    security_group_id    = "sg-00000000000000002"
    instance_identifiers = ["${local.name}-mock-1"]
  }

  # Outputs that are null in some envs (a null output is not stored in the state) are
  # not mocked above: with mock_outputs_merge_strategy_with_state = "shallow" a mock of
  # such an output would fill it in every later plan, and the plan would use a fake
  # value where the real one is null. Only the units that need one mock it.
  aurora_global_primary = merge(local.aurora, {
    global_cluster_identifier = local.name
  })

  elasticache = {
    replication_group_id     = "${local.name}-${local.region_code}"
    primary_endpoint_address = "master.${local.name}-mock.mock.cache.amazonaws.com"
    reader_endpoint_address  = "replica.${local.name}-mock.mock.cache.amazonaws.com"
    port                     = 6379
    security_group_id        = "sg-00000000000000003"
    auth_token_secret_arn    = "arn:aws:secretsmanager:${local.r}:${local.id}:secret:ai-tools/${local.env.environment}/elasticache-auth-token-AbCdEf"
  }

  ecr = {
    repository_urls = { for k in ["api", "worker"] : k => "${local.id}.dkr.ecr.${local.r}.amazonaws.com/ai-tools/${k}" }
    repository_arns = { for k in ["api", "worker"] : k => "arn:aws:ecr:${local.r}:${local.id}:repository/ai-tools/${k}" }
    registry_id     = local.id
    region          = local.r
  }

  alb = {
    alb_arn                        = "arn:aws:elasticloadbalancing:${local.r}:${local.id}:loadbalancer/app/${local.name}-api/0000000000000000"
    alb_arn_suffix                 = "app/${local.name}-api/0000000000000000"
    alb_dns_name                   = "${local.name}-api-0000000000.${local.r}.elb.amazonaws.com"
    alb_zone_id                    = "Z0000000000000"
    security_group_id              = "sg-00000000000000004"
    https_listener_arn             = "arn:aws:elasticloadbalancing:${local.r}:${local.id}:listener/app/${local.name}-api/0000000000000000/0000000000000000"
    api_target_group_arn           = "arn:aws:elasticloadbalancing:${local.r}:${local.id}:targetgroup/${local.name}-api/0000000000000000"
    api_target_group_arn_suffix    = "targetgroup/${local.name}-api/0000000000000000"
    certificate_arn                = "arn:aws:acm:${local.r}:${local.id}:certificate/00000000-0000-0000-0000-000000000000"
    certificate_validation_records = []
    access_logs_bucket             = "${local.name}-alb-logs-${local.id}-${local.r}"
  }

  ecs_cluster = {
    cluster_name        = local.name
    cluster_arn         = "arn:aws:ecs:${local.r}:${local.id}:cluster/${local.name}"
    capacity_provider   = local.env.capacity_provider
    exec_log_group_name = "/ecs/${local.name}/exec"
    exec_log_group_arn  = "arn:aws:logs:${local.r}:${local.id}:log-group:/ecs/${local.name}/exec"
    exec_kms_key_arn    = local.kms.key_arns["compute"]
  }
}
