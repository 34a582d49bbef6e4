# Security components (spec box "Security"): KMS keys per data domain, Secrets Manager
# secrets, the WAF web ACL in front of the load balancer. Per component, the module source
# and the inputs that follow from the tier and the region; the component files in
# security/ read this file and add the dependency blocks and the inputs they feed.
locals {
  # Read (read_terragrunt_config) by a component file for the unit that includes it:
  # get_original_terragrunt_dir() is that unit's folder, live/<env>/<region>/<unit>.
  region_dir = dirname(get_original_terragrunt_dir())
  env_dir    = dirname(local.region_dir)

  modules = "${dirname(dirname(find_in_parent_folders("root.hcl")))}/modules"
  env     = read_terragrunt_config("${local.env_dir}/env.hcl").locals
  region  = read_terragrunt_config("${local.region_dir}/region.hcl").locals
  replica = local.region.stack == "replica"

  # One customer-managed key per data domain.
  kms_keys = {
    logs        = { description = "CloudWatch Logs: flow logs, ECS, WAF, Aurora and cache logs", service_principals = ["logs.amazonaws.com"] }
    monitoring  = { description = "SNS alarm topics", service_principals = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] }
    secrets     = { description = "Secrets Manager secrets" }
    aurora      = { description = "Aurora storage, snapshots and Performance Insights" }
    elasticache = { description = "ElastiCache data at rest and snapshots" }
    s3          = { description = "S3 buckets" }
    compute     = { description = "ECR images and ECS Exec sessions" }
  }
  # Domains whose data leaves the primary region where the tier replicates (production):
  # their keys are multi-region, and the replica region holds replica keys of them.
  replicated_keys = ["aurora", "s3", "secrets"]
  # Keys a replica region needs of its own.
  replica_region_keys = ["logs", "monitoring"]

  kms = {
    source = "${local.modules}/kms"
    inputs = {
      keys = {
        for k, v in local.kms_keys : k => merge(v, {
          multi_region = local.env.cross_region_replication && contains(local.replicated_keys, k)
        }) if !local.replica || contains(local.replica_region_keys, k)
      }
      deletion_window_in_days = local.env.deletion_protection ? 30 : 7
    }
  }

  secrets = {
    source = "${local.modules}/secrets"
    inputs = {
      secrets = merge(
        {
          # Written by the elasticache unit, which generates the token when it creates the group.
          elasticache-auth-token = { description = "AUTH token of the ElastiCache replication group" }
          app-api-keys           = { description = "Third-party API keys of the api and worker (a JSON object; operators set the value)" }
        },
        # RDS cannot manage the master password of a global database: keep it here.
        local.env.cross_region_replication ? {
          # Written by the primary aurora unit, which generates the password when it creates the cluster.
          aurora-master-password = { description = "Master password of the Aurora global database" }
        } : {},
      )
      recovery_window_in_days = local.env.secret_recovery_window_days
    }
  }

  waf = {
    source = "${local.modules}/waf"
    inputs = {
      rate_limit         = local.env.waf_rate_limit
      log_retention_days = local.env.log_retention_days
    }
  }
}
