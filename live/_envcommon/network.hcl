# Network components (spec box "Network"): the VPC and the application load balancer.
# Per component, the module source and the inputs that follow from the account, the tier
# and the region; the component files in network/ read this file and add the dependency
# blocks and the inputs they feed.
locals {
  # Read (read_terragrunt_config) by a component file for the unit that includes it:
  # get_original_terragrunt_dir() is that unit's folder, live/<env>/<region>/<unit>.
  region_dir = dirname(get_original_terragrunt_dir())
  env_dir    = dirname(local.region_dir)

  modules = "${dirname(dirname(find_in_parent_folders("root.hcl")))}/modules"
  account = read_terragrunt_config("${local.env_dir}/account.hcl").locals
  env     = read_terragrunt_config("${local.env_dir}/env.hcl").locals
  region  = read_terragrunt_config("${local.region_dir}/region.hcl").locals
  replica = local.region.stack == "replica"

  vpc = {
    source = "${local.modules}/network"
    inputs = {
      cidr_block              = local.region.vpc_cidr
      az_count                = local.env.az_count
      flow_log_retention_days = local.env.log_retention_days
      # A replica region runs no tasks: no NAT, no interface endpoints (Aurora replicates
      # over AWS's network, not through the VPC).
      nat_gateway_mode    = local.replica ? "none" : local.env.nat_gateway_mode
      interface_endpoints = local.replica ? [] : ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
    }
  }

  alb = {
    source = "${local.modules}/alb"
    inputs = {
      domain_name                = "api.${local.region.aws_region}.${local.account.dns_zone_name}"
      route53_zone_id            = local.account.route53_zone_id
      deletion_protection        = local.env.deletion_protection
      access_logs_retention_days = local.env.log_retention_days
      target_port                = 8080
      health_check_path          = "/healthz"
    }
  }
}
