# Tier settings of the dev environment, all in one place. Units read them through
# live/root.hcl and live/_envcommon/*.hcl; the platform tests check the tier invariants
# (single NAT, spot capacity, 7-day backups, minimal HA) on the rendered tree.
locals {
  environment = "dev"
  tier        = "dev"

  # Pipeline: apply without a human gate; the monthly budget the cost check compares to.
  approval           = "auto"
  monthly_budget_usd = 1500
  required_tags      = ["environment", "service", "managed-by", "repository"]

  # High availability: minimal. One NAT gateway, one database instance, one cache node.
  ha               = "minimal"
  az_count         = 3
  nat_gateway_mode = "single"
  multi_az         = false

  # Compute: Fargate Spot, no capacity commitment.
  capacity_provider   = "FARGATE_SPOT"
  capacity_commitment = "none"
  container_insights  = "enabled"
  ecs_exec_enabled    = true
  api                 = { cpu = 512, memory = 1024, desired_count = 1, min_capacity = 1, max_capacity = 3, requests_per_target = 500 }
  worker              = { cpu = 512, memory = 1024, desired_count = 1, min_capacity = 1, max_capacity = 3 }
  image_tags          = { api = "0.1.0", worker = "0.1.0" }

  # Data: 7-day backups, no replication, easy to tear down.
  backup_retention_days               = 7
  aurora_engine_version               = "16.6"
  aurora_instance_class               = "db.t4g.medium"
  aurora_instance_count               = 1
  performance_insights_retention_days = 7
  enhanced_monitoring_interval        = 0
  elasticache_node_type               = "cache.t4g.micro"
  elasticache_num_cache_clusters      = 1
  cross_region_replication            = false
  replica_region                      = null

  # Protection: none in dev.
  deletion_protection         = false
  skip_final_snapshot         = true
  force_destroy               = true
  secret_recovery_window_days = 7

  # Logs and edge.
  log_retention_days = 14
  waf_rate_limit     = 2000

  # Alarms (observability units read these): thresholds and who hears about them.
  monitoring = {
    cpu_percent                = 75
    memory_percent             = 80
    error_rate_percent         = 2
    latency_seconds            = 1
    unhealthy_hosts            = 0
    aurora_cpu_percent         = 80
    aurora_freeable_memory_mb  = 256
    aurora_replica_lag_seconds = 5
    elasticache_cpu_percent    = 75
    elasticache_evictions      = 100
    alarm_emails               = ["platform-alerts+dev@example.com"]
    log_retention_days         = 14
  }
}
