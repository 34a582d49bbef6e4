# The alarms of the spec (CPU > 75 %, error rate > 2 %, latency > 1 s) and the ones the
# platform needs besides (memory, unhealthy hosts, Aurora, ElastiCache, log errors), all
# to the alarm topic, with a composite "service health" alarm over the critical ones.

resource "aws_cloudwatch_metric_alarm" "ecs_cpu" {
  for_each = var.ecs_services

  alarm_name          = "${local.name}-${each.key}-cpu-high"
  alarm_description   = "${each.key} service CPU above ${var.thresholds.cpu_percent} %"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.cpu_percent
  treat_missing_data  = "missing"
  dimensions = {
    ClusterName = var.ecs_cluster_name
    ServiceName = each.value.service_name
  }
  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "ecs_memory" {
  for_each = var.ecs_services

  alarm_name          = "${local.name}-${each.key}-memory-high"
  alarm_description   = "${each.key} service memory above ${var.thresholds.memory_percent} %"
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  statistic           = "Average"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.memory_percent
  treat_missing_data  = "missing"
  dimensions = {
    ClusterName = var.ecs_cluster_name
    ServiceName = each.value.service_name
  }
  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
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

resource "aws_cloudwatch_metric_alarm" "alb_latency_p99" {
  count = local.has_alb ? 1 : 0

  alarm_name          = "${local.name}-api-latency-p99"
  alarm_description   = "API p99 target response time above ${var.thresholds.latency_p99_seconds} s"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p99"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.latency_p99_seconds
  treat_missing_data  = "notBreaching"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  count = local.has_tg ? 1 : 0

  alarm_name          = "${local.name}-api-unhealthy-hosts"
  alarm_description   = "API targets failing health checks: more than ${var.thresholds.unhealthy_hosts}"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.unhealthy_hosts
  treat_missing_data  = "missing"
  dimensions = {
    LoadBalancer = var.alb_arn_suffix
    TargetGroup  = var.api_target_group_arn_suffix
  }

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "api_log_errors" {
  count = local.api != null ? 1 : 0

  alarm_name          = "${local.name}-api-log-errors"
  alarm_description   = "More than ${var.thresholds.log_errors} error lines in the API logs per ${var.alarm_period_seconds} s"
  namespace           = local.metric_ns
  metric_name         = "ApiErrors"
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.log_errors
  treat_missing_data  = "notBreaching"

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags

  depends_on = [aws_cloudwatch_log_metric_filter.api_errors]
}

resource "aws_cloudwatch_metric_alarm" "aurora_cpu" {
  count = local.has_aurora ? 1 : 0

  alarm_name          = "${local.name}-aurora-cpu-high"
  alarm_description   = "Aurora CPU above ${var.thresholds.aurora_cpu_percent} %"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.aurora_cpu_percent
  treat_missing_data  = "missing"
  dimensions          = { DBClusterIdentifier = var.aurora_cluster_identifier }

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "aurora_freeable_memory" {
  count = local.has_aurora ? 1 : 0

  alarm_name          = "${local.name}-aurora-freeable-memory-low"
  alarm_description   = "Aurora freeable memory below ${var.thresholds.aurora_freeable_memory_bytes} bytes"
  namespace           = "AWS/RDS"
  metric_name         = "FreeableMemory"
  statistic           = "Minimum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "LessThanThreshold"
  threshold           = var.thresholds.aurora_freeable_memory_bytes
  treat_missing_data  = "missing"
  dimensions          = { DBClusterIdentifier = var.aurora_cluster_identifier }

  alarm_actions             = local.alarm_actions
  ok_actions                = local.ok_actions
  insufficient_data_actions = local.insufficient

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "aurora_replica_lag" {
  count = local.has_replicas ? 1 : 0

  alarm_name          = "${local.name}-aurora-replica-lag"
  alarm_description   = "Aurora replica lag above ${var.thresholds.aurora_replica_lag_ms} ms"
  namespace           = "AWS/RDS"
  metric_name         = "AuroraReplicaLagMaximum"
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.aurora_replica_lag_ms
  treat_missing_data  = "missing"
  dimensions          = { DBClusterIdentifier = var.aurora_cluster_identifier }

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
  # What "the service is unhealthy" means: errors, latency, failing targets, API CPU.
  critical_alarms = concat(
    [for a in aws_cloudwatch_metric_alarm.alb_5xx_rate : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.alb_latency_p99 : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.unhealthy_hosts : a.alarm_name],
    [for k, a in aws_cloudwatch_metric_alarm.ecs_cpu : a.alarm_name if k == var.api_service_key],
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
