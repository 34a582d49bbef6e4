# The alarms of the spec (CPU > 75 %, error rate > 2 %, latency > 1 s) and the ones the
# platform needs besides (memory, unhealthy hosts, Aurora, ElastiCache, log errors), all
# to the alarm topic, with a composite "service health" alarm over the critical ones.

# The single-metric alarms, by the alarm name's suffix (the alarm is "<service>-<env>-<key>"):
# what to watch (namespace, metric, statistic, dimensions), when it breaches (comparison,
# threshold, missing data) and whether the unit has the thing at all (enabled). They share
# period, evaluation, actions and tags (aws_cloudwatch_metric_alarm.this below).
locals {
  simple_alarm_definitions = merge(
    {
      for k, s in var.ecs_services : "${k}-cpu-high" => {
        enabled     = true
        description = "${k} service CPU above ${var.thresholds.cpu_percent} %"
        namespace   = "AWS/ECS"
        metric      = "CPUUtilization"
        statistic   = "Average"
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.cpu_percent
        missing     = "missing"
        dimensions  = { ClusterName = var.ecs_cluster_name, ServiceName = s.service_name }
      }
    },
    {
      for k, s in var.ecs_services : "${k}-memory-high" => {
        enabled     = true
        description = "${k} service memory above ${var.thresholds.memory_percent} %"
        namespace   = "AWS/ECS"
        metric      = "MemoryUtilization"
        statistic   = "Average"
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.memory_percent
        missing     = "missing"
        dimensions  = { ClusterName = var.ecs_cluster_name, ServiceName = s.service_name }
      }
    },
    {
      "api-latency-p99" = {
        enabled     = local.has_alb
        description = "API p99 target response time above ${var.thresholds.latency_p99_seconds} s"
        namespace   = "AWS/ApplicationELB"
        metric      = "TargetResponseTime"
        statistic   = "p99"
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.latency_p99_seconds
        missing     = "notBreaching"
        dimensions  = { LoadBalancer = var.alb_arn_suffix }
      }
      "api-unhealthy-hosts" = {
        enabled     = local.has_tg
        description = "API targets failing health checks: more than ${var.thresholds.unhealthy_hosts}"
        namespace   = "AWS/ApplicationELB"
        metric      = "UnHealthyHostCount"
        statistic   = "Maximum"
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.unhealthy_hosts
        missing     = "missing"
        dimensions  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.api_target_group_arn_suffix }
      }
      # The metric of the API logs' metric filter (logs.tf), in the unit's own namespace.
      "api-log-errors" = {
        enabled     = local.api != null
        description = "More than ${var.thresholds.log_errors} error lines in the API logs per ${var.alarm_period_seconds} s"
        namespace   = local.metric_ns
        metric      = "ApiErrors"
        statistic   = "Sum"
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.log_errors
        missing     = "notBreaching"
        dimensions  = {}
      }
      "aurora-cpu-high" = {
        enabled     = local.has_aurora
        description = "Aurora CPU above ${var.thresholds.aurora_cpu_percent} %"
        namespace   = "AWS/RDS"
        metric      = "CPUUtilization"
        statistic   = "Average"
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.aurora_cpu_percent
        missing     = "missing"
        dimensions  = { DBClusterIdentifier = var.aurora_cluster_identifier }
      }
      "aurora-freeable-memory-low" = {
        enabled     = local.has_aurora
        description = "Aurora freeable memory below ${var.thresholds.aurora_freeable_memory_bytes} bytes"
        namespace   = "AWS/RDS"
        metric      = "FreeableMemory"
        statistic   = "Minimum"
        comparison  = "LessThanThreshold"
        threshold   = var.thresholds.aurora_freeable_memory_bytes
        missing     = "missing"
        dimensions  = { DBClusterIdentifier = var.aurora_cluster_identifier }
      }
      "aurora-replica-lag" = {
        enabled     = local.has_replicas
        description = "Aurora replica lag above ${var.thresholds.aurora_replica_lag_ms} ms"
        namespace   = "AWS/RDS"
        metric      = "AuroraReplicaLagMaximum"
        statistic   = "Maximum"
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.aurora_replica_lag_ms
        missing     = "missing"
        dimensions  = { DBClusterIdentifier = var.aurora_cluster_identifier }
      }
    },
  )
  simple_alarms    = { for k, a in local.simple_alarm_definitions : k => a if a.enabled }
  plain_statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.simple_alarms

  alarm_name        = "${local.name}-${each.key}"
  alarm_description = each.value.description
  namespace         = each.value.namespace
  metric_name       = each.value.metric
  # Percentiles (p99) are extended statistics; the rest are plain ones.
  statistic           = contains(local.plain_statistics, each.value.statistic) ? each.value.statistic : null
  extended_statistic  = contains(local.plain_statistics, each.value.statistic) ? null : each.value.statistic
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing
  dimensions          = length(each.value.dimensions) > 0 ? each.value.dimensions : null

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags

  # Only api-log-errors needs it (its metric comes from the filter); harmless for the rest.
  depends_on = [aws_cloudwatch_log_metric_filter.api_errors]
}

# Error rate: 5xx answers (from the targets and from the load balancer itself) over all
# requests, in percent. No traffic is not an error.
resource "aws_cloudwatch_metric_alarm" "alb_5xx_rate" {
  count = local.has_alb ? 1 : 0

  alarm_name          = "${local.name}-alb-5xx-rate"
  alarm_description   = "ALB 5xx responses above ${var.thresholds.error_rate_percent} % of requests"
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.error_rate_percent
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "e1"
    expression  = "IF(m3 > 0, 100 * (FILL(m1, 0) + FILL(m2, 0)) / m3, 0)"
    label       = "5xx error rate (%)"
    return_data = true
  }

  metric_query {
    id = "m1"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      period      = var.alarm_period_seconds
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "m2"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      period      = var.alarm_period_seconds
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "m3"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = var.alarm_period_seconds
      stat        = "Sum"
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "elasticache_cpu" {
  for_each = toset(var.elasticache_cluster_ids)

  alarm_name          = "${local.name}-cache-${each.key}-cpu-high"
  alarm_description   = "ElastiCache ${each.key} engine CPU above ${var.thresholds.elasticache_cpu_percent} %"
  namespace           = "AWS/ElastiCache"
  metric_name         = "EngineCPUUtilization"
  statistic           = "Average"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.elasticache_cpu_percent
  treat_missing_data  = "missing"
  dimensions          = { CacheClusterId = each.key }

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "elasticache_evictions" {
  for_each = toset(var.elasticache_cluster_ids)

  alarm_name          = "${local.name}-cache-${each.key}-evictions"
  alarm_description   = "ElastiCache ${each.key} evicting more than ${var.thresholds.elasticache_evictions} keys per ${var.alarm_period_seconds} s"
  namespace           = "AWS/ElastiCache"
  metric_name         = "Evictions"
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.elasticache_evictions
  treat_missing_data  = "notBreaching"
  dimensions          = { CacheClusterId = each.key }

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

locals {
  simple_alarm_names = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name }

  # What "the service is unhealthy" means: errors, latency, failing targets, API CPU.
  critical_alarms = concat(
    [for a in aws_cloudwatch_metric_alarm.alb_5xx_rate : a.alarm_name],
    [for k, a in aws_cloudwatch_metric_alarm.this : a.alarm_name if k == "api-latency-p99"],
    [for k, a in aws_cloudwatch_metric_alarm.this : a.alarm_name if k == "api-unhealthy-hosts"],
    [for k, a in aws_cloudwatch_metric_alarm.this : a.alarm_name if k == "${var.api_service_key}-cpu-high"],
  )
}

resource "aws_cloudwatch_composite_alarm" "service_health" {
  count = length(local.critical_alarms) > 0 ? 1 : 0

  alarm_name        = "${local.name}-service-health"
  alarm_description = "Any critical alarm of ${var.service} ${var.environment}: ${join(", ", local.critical_alarms)}"
  alarm_rule        = join(" OR ", [for n in local.critical_alarms : "ALARM(\"${n}\")"])
  alarm_actions     = local.alarm_actions
  ok_actions        = local.ok_actions

  tags = local.tags
}

# Addresses of the single-metric alarms before they became aws_cloudwatch_metric_alarm.this
# instances: an existing state moves instead of destroying and recreating the alarms.
# moved blocks take literal addresses only, so the per-service ones are listed for the
# ecs_services keys every unit passes (api, worker; live/_envcommon/monitoring/observability.hcl).
moved {
  from = aws_cloudwatch_metric_alarm.ecs_cpu["api"]
  to   = aws_cloudwatch_metric_alarm.this["api-cpu-high"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ecs_cpu["worker"]
  to   = aws_cloudwatch_metric_alarm.this["worker-cpu-high"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ecs_memory["api"]
  to   = aws_cloudwatch_metric_alarm.this["api-memory-high"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ecs_memory["worker"]
  to   = aws_cloudwatch_metric_alarm.this["worker-memory-high"]
}

moved {
  from = aws_cloudwatch_metric_alarm.alb_latency_p99[0]
  to   = aws_cloudwatch_metric_alarm.this["api-latency-p99"]
}

moved {
  from = aws_cloudwatch_metric_alarm.unhealthy_hosts[0]
  to   = aws_cloudwatch_metric_alarm.this["api-unhealthy-hosts"]
}

moved {
  from = aws_cloudwatch_metric_alarm.api_log_errors[0]
  to   = aws_cloudwatch_metric_alarm.this["api-log-errors"]
}

moved {
  from = aws_cloudwatch_metric_alarm.aurora_cpu[0]
  to   = aws_cloudwatch_metric_alarm.this["aurora-cpu-high"]
}

moved {
  from = aws_cloudwatch_metric_alarm.aurora_freeable_memory[0]
  to   = aws_cloudwatch_metric_alarm.this["aurora-freeable-memory-low"]
}

moved {
  from = aws_cloudwatch_metric_alarm.aurora_replica_lag[0]
  to   = aws_cloudwatch_metric_alarm.this["aurora-replica-lag"]
}
