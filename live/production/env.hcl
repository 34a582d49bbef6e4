# Tier settings of the production environment, all in one place. Units read them through
# live/root.hcl and live/_envcommon/*.hcl; the platform tests check the tier invariants
# (full multi-AZ HA, reserved capacity, 30-day backups, cross-region replication) on the
# rendered tree.
locals {
  environment = "production"
  tier        = "production"

  # Pipeline: every apply waits for a human approval; the monthly budget the cost check
  # compares to.
  approval           = "manual"
  monthly_budget_usd = 15000
  required_tags      = ["environment", "service", "managed-by", "repository"]

  # High availability: full. One NAT gateway per zone, three database instances across
  # three zones, three cache nodes with automatic failover.
  ha               = "full"
  az_count         = 3
  nat_gateway_mode = "per_az"
  multi_az         = true

  # Compute: Fargate on demand, paid through a Compute Savings Plan ("reserved" capacity;
  # the plan is bought in the billing console, it is not an infrastructure resource).
  capacity_provider   = "FARGATE"
  capacity_commitment = "compute-savings-plan"
  container_insights  = "enhanced"
  ecs_exec_enabled    = false
  api                 = { cpu = 2048, memory = 4096, desired_count = 3, min_capacity = 3, max_capacity = 12, requests_per_target = 1000 }
  worker              = { cpu = 2048, memory = 4096, desired_count = 2, min_capacity = 2, max_capacity = 8 }
  image_tags          = { api = "0.1.0", worker = "0.1.0" }

  # Data: 30-day backups, replicated to the replica region (Aurora Global Database
  # secondary, S3 replication, KMS replica keys, Secrets Manager replicas).
  backup_retention_days               = 30
  aurora_engine_version               = "16.6"
  aurora_instance_class               = "db.r7g.large"
  aurora_instance_count               = 3
  aurora_secondary_instance_count     = 2
  performance_insights_retention_days = 31
  enhanced_monitoring_interval        = 30
  elasticache_node_type               = "cache.r7g.large"
  elasticache_num_cache_clusters      = 3
  cross_region_replication            = true
  replica_region                      = "ap-southeast-1"

  # Protection: on, and Terragrunt refuses to destroy stateful units.
  deletion_protection         = true
  skip_final_snapshot         = false
  force_destroy               = false
  secret_recovery_window_days = 30

  # Logs and edge.
  log_retention_days = 90
  waf_rate_limit     = 2000

  # Alarms (observability units read these): thresholds and who hears about them.
  monitoring = {
    cpu_percent                = 75
    memory_percent             = 80
    error_rate_percent         = 2
    latency_seconds            = 1
    unhealthy_hosts            = 0
    aurora_cpu_percent         = 75
    aurora_freeable_memory_mb  = 1024
    aurora_replica_lag_seconds = 1
    elasticache_cpu_percent    = 70
    elasticache_evictions      = 10
    alarm_emails               = ["platform-alerts@example.com", "oncall@example.com"]
    log_retention_days         = 90
  }
}
