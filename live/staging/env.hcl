# Tier settings of the staging environment, all in one place. Units read them through
# live/root.hcl and live/_envcommon/*.hcl; the platform tests check the tier invariants
# (multi-AZ NAT, on-demand capacity, 14-day backups, partial HA) on the rendered tree.
locals {
  environment = "staging"
  tier        = "staging"

  # Pipeline: apply without a human gate; the monthly budget the cost check compares to.
  approval           = "auto"
  monthly_budget_usd = 4000
  required_tags      = ["environment", "service", "managed-by", "repository"]

  # High availability: partial. One NAT gateway per zone, a writer and a reader, a
  # primary and a replica cache node with automatic failover.
  ha               = "partial"
  az_count         = 3
  nat_gateway_mode = "per_az"
  multi_az         = true

  # Compute: Fargate on demand, no capacity commitment.
  capacity_provider   = "FARGATE"
  capacity_commitment = "none"
  container_insights  = "enhanced"
  ecs_exec_enabled    = false
  api                 = { cpu = 1024, memory = 2048, desired_count = 2, min_capacity = 2, max_capacity = 6, requests_per_target = 1000 }
  worker              = { cpu = 1024, memory = 2048, desired_count = 2, min_capacity = 2, max_capacity = 6 }
  image_tags          = { api = "0.1.0", worker = "0.1.0" }

  # Data: 14-day backups, no replication.
  backup_retention_days               = 14
  aurora_engine_version               = "16.6"
  aurora_instance_class               = "db.r7g.large"
  aurora_instance_count               = 2
  performance_insights_retention_days = 7
  enhanced_monitoring_interval        = 60
  elasticache_node_type               = "cache.t4g.small"
  elasticache_num_cache_clusters      = 2
  cross_region_replication            = false
  replica_region                      = null

  # Protection: on.
  deletion_protection         = true
  skip_final_snapshot         = false
  force_destroy               = false
  secret_recovery_window_days = 30

  # Logs and edge.
  log_retention_days = 30
  waf_rate_limit     = 2000

  # Alarms (observability units read these): thresholds and who hears about them.
  monitoring = {
    cpu_percent                = 75
    memory_percent             = 80
    error_rate_percent         = 2
    latency_seconds            = 1
    unhealthy_hosts            = 0
    aurora_cpu_percent         = 80
    aurora_freeable_memory_mb  = 512
    aurora_replica_lag_seconds = 2
    elasticache_cpu_percent    = 75
    elasticache_evictions      = 100
    alarm_emails               = ["platform-alerts+staging@example.com"]
    log_retention_days         = 30
  }
}
