# Data components (spec box "Data"): Aurora PostgreSQL, S3 buckets, ElastiCache. Per
# component, the module source and the inputs that follow from the tier (env.hcl) and the
# region (region.hcl). The component files in storage/ read this file and add the wiring:
# dependency blocks and the inputs their outputs feed.
locals {
  # Read (read_terragrunt_config) by a component file for the unit that includes it:
  # get_original_terragrunt_dir() is that unit's folder, live/<env>/<region>/<unit>.
  region_dir = dirname(get_original_terragrunt_dir())
  env_dir    = dirname(local.region_dir)

  modules = "${dirname(dirname(find_in_parent_folders("root.hcl")))}/modules"
  env     = read_terragrunt_config("${local.env_dir}/env.hcl").locals
  region  = read_terragrunt_config("${local.region_dir}/region.hcl").locals
  replica = local.region.stack == "replica"

  aurora = {
    source = "${local.modules}/aurora"
    # none: a regional cluster. primary / secondary: the two halves of a Global Database.
    global_role = !local.env.cross_region_replication ? "none" : (local.replica ? "secondary" : "primary")
    inputs = {
      engine_version                      = local.env.aurora_engine_version
      instance_class                      = local.env.aurora_instance_class
      instance_count                      = local.replica ? local.env.aurora_secondary_instance_count : local.env.aurora_instance_count
      backup_retention_days               = local.env.backup_retention_days
      deletion_protection                 = local.env.deletion_protection
      skip_final_snapshot                 = local.env.skip_final_snapshot
      log_retention_days                  = local.env.log_retention_days
      performance_insights_retention_days = local.env.performance_insights_retention_days
      monitoring_interval                 = local.env.enhanced_monitoring_interval
      apply_immediately                   = local.env.tier == "dev"
    }
  }

  s3 = {
    source = "${local.modules}/s3"
    inputs = {
      buckets = {
        uploads   = { description = "Files users upload to the AI tools", noncurrent_days = 30 }
        artifacts = { description = "Results the worker produces", noncurrent_days = 30, transition_ia_days = 30, expire_days = 365 }
      }
      force_destroy             = local.env.force_destroy
      access_log_retention_days = local.env.log_retention_days
    }
  }

  elasticache = {
    source = "${local.modules}/elasticache"
    inputs = {
      engine                  = "valkey"
      engine_version          = "8.0"
      node_type               = local.env.elasticache_node_type
      num_cache_clusters      = local.env.elasticache_num_cache_clusters
      multi_az                = local.env.multi_az
      snapshot_retention_days = local.env.backup_retention_days
      log_retention_days      = local.env.log_retention_days
      apply_immediately       = local.env.tier == "dev"
    }
  }
}
