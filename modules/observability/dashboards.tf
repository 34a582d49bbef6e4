# Three dashboards (spec "Key Metrics and Monitoring"): Executive (service health, cost
# overview), Operations (real-time metrics, error tracking), Developer (API performance,
# trace analysis). Widgets are laid out two per row, 12 wide and 6 high.

locals {
  lb      = var.alb_arn_suffix
  console = "https://${var.aws_region}.console.aws.amazon.com"

  error_rate_expr = "IF(m3 > 0, 100 * (FILL(m1, 0) + FILL(m2, 0)) / m3, 0)"
  error_rate_metrics = [
    [{ expression = local.error_rate_expr, label = "5xx error rate (%)", id = "e1" }],
    ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", local.lb, { id = "m1", stat = "Sum", visible = false }],
    ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", local.lb, { id = "m2", stat = "Sum", visible = false }],
    ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", local.lb, { id = "m3", stat = "Sum", visible = false }],
  ]

  executive_widgets = concat(
    [jsonencode({
      type = "alarm"
      properties = {
        title  = "Service health"
        alarms = concat([for a in aws_cloudwatch_composite_alarm.service_health : a.arn], [for a in aws_cloudwatch_metric_alarm.alb_5xx_rate : a.arn], [for k, a in aws_cloudwatch_metric_alarm.this : a.arn if k == "api-latency-p99"])
      }
    })],
    local.has_alb ? [jsonencode({
      type = "metric"
      properties = {
        title   = "Availability (% of requests without a 5xx)"
        region  = var.aws_region
        view    = "singleValue"
        period  = 3600
        metrics = concat([[{ expression = "100 - e1", label = "Availability (%)", id = "a1" }], [{ expression = local.error_rate_expr, id = "e1", visible = false }]], slice(local.error_rate_metrics, 1, 4))
      }
      }), jsonencode({
      type = "metric"
      properties = {
        title   = "Requests per hour"
        region  = var.aws_region
        view    = "timeSeries"
        period  = 3600
        stat    = "Sum"
        metrics = [["AWS/ApplicationELB", "RequestCount", "LoadBalancer", local.lb]]
      }
    })] : [],
    [jsonencode({
      type = "metric"
      properties = {
        title   = "Estimated charges this month (USD, whole account)"
        region  = "us-east-1" # billing metrics exist only in us-east-1
        view    = "timeSeries"
        period  = 21600
        stat    = "Maximum"
        metrics = [["AWS/Billing", "EstimatedCharges", "Currency", "USD"]]
      }
      }), jsonencode({
      type = "text"
      properties = {
        markdown = "## ${var.service} ${var.environment}\nThresholds: CPU > ${var.thresholds.cpu_percent} %, error rate > ${var.thresholds.error_rate_percent} %, p99 latency > ${var.thresholds.latency_p99_seconds} s.\n\nEstimated charges need *Receive Billing Alerts* on in the account's billing preferences.\n\n[Operations](#dashboards/dashboard/${local.dashboard_names.operations}) · [Developer](#dashboards/dashboard/${local.dashboard_names.developer})"
      }
    })],
  )

  operations_widgets = concat(
    [for k, s in var.ecs_services : jsonencode({
      type = "metric"
      properties = {
        title  = "${k}: CPU and memory (%)"
        region = var.aws_region
        view   = "timeSeries"
        period = 60
        stat   = "Average"
        metrics = [
          ["AWS/ECS", "CPUUtilization", "ClusterName", var.ecs_cluster_name, "ServiceName", s.service_name],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", var.ecs_cluster_name, "ServiceName", s.service_name],
        ]
        annotations = { horizontal = [{ label = "CPU alarm", value = var.thresholds.cpu_percent }] }
      }
    })],
    [jsonencode({
      type = "metric"
      properties = {
        title   = "Running tasks"
        region  = var.aws_region
        view    = "timeSeries"
        period  = 60
        stat    = "Average"
        metrics = [for k, s in var.ecs_services : ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", var.ecs_cluster_name, "ServiceName", s.service_name, { label = k }]]
      }
    })],
    local.has_alb ? [jsonencode({
      type = "metric"
      properties = {
        title  = "Requests and errors"
        region = var.aws_region
        view   = "timeSeries"
        period = 60
        stat   = "Sum"
        metrics = [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", local.lb],
          ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", "LoadBalancer", local.lb],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", local.lb],
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", local.lb],
        ]
      }
      }), jsonencode({
      type = "metric"
      properties = {
        title       = "5xx error rate (%)"
        region      = var.aws_region
        view        = "timeSeries"
        period      = 60
        metrics     = local.error_rate_metrics
        annotations = { horizontal = [{ label = "alarm", value = var.thresholds.error_rate_percent }] }
      }
    })] : [],
    local.has_tg ? [jsonencode({
      type = "metric"
      properties = {
        title  = "API targets"
        region = var.aws_region
        view   = "timeSeries"
        period = 60
        stat   = "Maximum"
        metrics = [
          ["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", var.api_target_group_arn_suffix, "LoadBalancer", local.lb],
          ["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", var.api_target_group_arn_suffix, "LoadBalancer", local.lb],
        ]
      }
    })] : [],
    local.has_aurora ? [jsonencode({
      type = "metric"
      properties = {
        title  = "Aurora"
        region = var.aws_region
        view   = "timeSeries"
        period = 60
        metrics = concat([
          ["AWS/RDS", "CPUUtilization", "DBClusterIdentifier", var.aurora_cluster_identifier, { stat = "Average" }],
          ["AWS/RDS", "DatabaseConnections", "DBClusterIdentifier", var.aurora_cluster_identifier, { stat = "Sum" }],
          ["AWS/RDS", "FreeableMemory", "DBClusterIdentifier", var.aurora_cluster_identifier, { stat = "Minimum", yAxis = "right" }],
          ], local.has_replicas ? [
          ["AWS/RDS", "AuroraReplicaLagMaximum", "DBClusterIdentifier", var.aurora_cluster_identifier, { stat = "Maximum", yAxis = "right" }],
        ] : [])
      }
    })] : [],
    length(var.elasticache_cluster_ids) > 0 ? [jsonencode({
      type = "metric"
      properties = {
        title   = "ElastiCache engine CPU (%) and evictions"
        region  = var.aws_region
        view    = "timeSeries"
        period  = 60
        metrics = concat([for c in var.elasticache_cluster_ids : ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", c, { stat = "Average" }]], [for c in var.elasticache_cluster_ids : ["AWS/ElastiCache", "Evictions", "CacheClusterId", c, { stat = "Sum", yAxis = "right" }]])
      }
    })] : [],
    [jsonencode({
      type = "log"
      properties = {
        title  = "Recent errors (all services)"
        region = var.aws_region
        view   = "table"
        query  = "SOURCE ${join(" | SOURCE ", [for s in values(var.ecs_services) : "'${s.log_group_name}'"])} | fields @timestamp, @log, @message | filter @message like /(?i)(error|fatal|panic)/ | sort @timestamp desc | limit 50"
      }
    })],
  )

  developer_widgets = concat(
    local.has_alb ? [jsonencode({
      type = "metric"
      properties = {
        title  = "API latency (s): p50, p90, p99"
        region = var.aws_region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.lb, { stat = "p50" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.lb, { stat = "p90" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.lb, { stat = "p99" }],
        ]
        annotations = { horizontal = [{ label = "p99 alarm", value = var.thresholds.latency_p99_seconds }] }
      }
    })] : [],
    local.api != null ? [jsonencode({
      type = "metric"
      properties = {
        title   = "Errors in the API logs"
        region  = var.aws_region
        view    = "timeSeries"
        period  = 60
        stat    = "Sum"
        metrics = [[local.metric_ns, "ApiErrors"]]
      }
    })] : [],
    [for k, g in aws_xray_group.service : jsonencode({
      type = "metric"
      properties = {
        title   = "${k}: traces (X-Ray group ${g.group_name})"
        region  = var.aws_region
        view    = "timeSeries"
        period  = 60
        stat    = "Sum"
        metrics = [["AWS/X-Ray", "ApproximateTraceCount", "GroupName", g.group_name]]
      }
    })],
    [jsonencode({
      type = "text"
      properties = {
        markdown = join("\n", concat(["## Trace analysis"], [for k, g in aws_xray_group.service : "- ${k}: [trace map](${local.console}/cloudwatch/home?region=${var.aws_region}#xray:service-map/map?group=${g.group_name}) · [traces](${local.console}/cloudwatch/home?region=${var.aws_region}#xray:traces/query?group=${g.group_name})"], ["", "Saved queries: `${aws_cloudwatch_query_definition.recent_errors.name}`${local.api != null ? ", `${local.name}/api-slow-requests`" : ""}."]))
      }
    })],
  )

  dashboards = {
    executive  = local.executive_widgets
    operations = local.operations_widgets
    developer  = local.developer_widgets
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  for_each = local.dashboards

  dashboard_name = local.dashboard_names[each.key]
  dashboard_body = jsonencode({
    widgets = [for i, w in each.value : merge(jsondecode(w), { x = (i % 2) * 12, y = floor(i / 2) * 6, width = 12, height = 6 })]
  })
}
