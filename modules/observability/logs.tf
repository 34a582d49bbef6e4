# Errors in the API logs become a metric (<service>/<environment> ApiErrors) the log
# error alarm and the dashboards read; saved Logs Insights queries serve error tracking.

resource "aws_cloudwatch_log_metric_filter" "api_errors" {
  count = local.api != null ? 1 : 0

  name           = "${local.name}-api-errors"
  log_group_name = local.api.log_group_name
  pattern        = var.error_log_pattern

  metric_transformation {
    name          = "ApiErrors"
    namespace     = local.metric_ns
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

resource "aws_cloudwatch_log_metric_filter" "service_errors" {
  for_each = { for k, v in var.ecs_services : k => v if k != var.api_service_key }

  name           = "${local.name}-${each.key}-errors"
  log_group_name = each.value.log_group_name
  pattern        = var.error_log_pattern

  metric_transformation {
    name          = "${replace(title(replace(each.key, "-", " ")), " ", "")}Errors"
    namespace     = local.metric_ns
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

resource "aws_cloudwatch_query_definition" "recent_errors" {
  name            = "${local.name}/recent-errors"
  log_group_names = [for s in values(var.ecs_services) : s.log_group_name]
  query_string    = <<-EOT
    fields @timestamp, @log, @message
    | filter @message like /(?i)(error|fatal|panic)/
    | sort @timestamp desc
    | limit 100
  EOT
}

resource "aws_cloudwatch_query_definition" "slow_requests" {
  count = local.api != null ? 1 : 0

  name            = "${local.name}/api-slow-requests"
  log_group_names = [local.api.log_group_name]
  query_string    = <<-EOT
    fields @timestamp, @message
    | filter ispresent(duration_ms) and duration_ms > ${var.thresholds.latency_p99_seconds * 1000}
    | sort duration_ms desc
    | limit 100
  EOT
}
