# Monitoring components (spec box "Monitoring" and "Key Metrics and Monitoring"): alarms,
# the alarm topic with email and Slack routes, dashboards, X-Ray. Thresholds, recipients
# and retention are the tier's, from env.hcl's monitoring object. The component file
# monitoring/observability.hcl reads this file and takes locals.observability.source and
# .inputs (plus the mock outputs of the ECS services, which mocks.hcl does not carry).
locals {
  # Read (read_terragrunt_config) by a component file for the unit that includes it:
  # get_original_terragrunt_dir() is that unit's folder, live/<env>/<region>/<unit>.
  region_dir = dirname(get_original_terragrunt_dir())
  env_dir    = dirname(local.region_dir)

  repo    = dirname(dirname(find_in_parent_folders("root.hcl")))
  modules = "${local.repo}/modules"
  env     = read_terragrunt_config("${local.env_dir}/env.hcl").locals
  account = read_terragrunt_config("${local.env_dir}/account.hcl").locals
  region  = read_terragrunt_config("${local.region_dir}/region.hcl").locals
  m       = local.env.monitoring

  # The forwarder's deployment zip, built before plan/apply by the unit's before_hook
  # (go run ./cmd/alarm-forwarder/package); same source, same bytes.
  forwarder_package = "${local.repo}/.olechka/dist/alarm-forwarder.zip"
  # The forwarder's Go sources are part of these units: a change to them is a change to
  # every observability unit (olechka detect re-plans them), recorded as a tag.
  forwarder_sources     = sort([for f in setunion(fileset(local.repo, "cmd/alarm-forwarder/**/*.go"), fileset(local.repo, "internal/alarm/**/*.go")) : f if !endswith(f, "_test.go")])
  forwarder_source_hash = sha256(join("\n", [for f in local.forwarder_sources : "${f} ${sha256(file("${local.repo}/${f}"))}"]))

  # X-Ray sampling by tier: everything interesting in dev, a trickle in production.
  xray_rate = { dev = 0.5, staging = 0.1, production = 0.05 }

  observability = {
    source = "${local.modules}/observability"
    inputs = {
      log_retention_days     = local.m.log_retention_days
      alarm_email_recipients = local.m.alarm_emails
      thresholds = {
        cpu_percent                  = local.m.cpu_percent
        memory_percent               = local.m.memory_percent
        error_rate_percent           = local.m.error_rate_percent
        latency_p99_seconds          = local.m.latency_seconds
        unhealthy_hosts              = local.m.unhealthy_hosts
        log_errors                   = try(local.m.log_errors, 10)
        aurora_cpu_percent           = local.m.aurora_cpu_percent
        aurora_freeable_memory_bytes = local.m.aurora_freeable_memory_mb * 1024 * 1024
        aurora_replica_lag_ms        = local.m.aurora_replica_lag_seconds * 1000
        elasticache_cpu_percent      = local.m.elasticache_cpu_percent
        elasticache_evictions        = local.m.elasticache_evictions
      }
      # Production also hears when a metric stops reporting.
      notify_insufficient_data = local.env.tier == "production"
      aurora_instance_count    = local.env.aurora_instance_count
      xray_sampling = {
        api    = { fixed_rate = local.xray_rate[local.env.tier], reservoir_size = 1 }
        worker = { fixed_rate = local.xray_rate[local.env.tier], reservoir_size = 1 }
      }
      slack_enabled          = true
      forwarder_package_path = local.forwarder_package
      forwarder_source_hash  = local.forwarder_source_hash
      forwarder_log_level    = local.env.tier == "dev" ? "debug" : "info"
    }
  }

  # ElastiCache node clusters of a replication group without cluster mode: <group>-001...
  elasticache_nodes = local.env.elasticache_num_cache_clusters

  mocks = {
    ecs_api = {
      service_name   = "ai-tools-${local.env.environment}-api"
      log_group_name = "/ecs/ai-tools-api"
    }
    ecs_worker = {
      service_name   = "ai-tools-${local.env.environment}-worker"
      log_group_name = "/ecs/ai-tools-worker"
    }
  }
}
