output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies (KMS-encrypted)."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of the metric alarms, by purpose."
  value = {
    ecs_cpu                = { for k in keys(var.ecs_services) : k => local.simple_alarm_names["${k}-cpu-high"] }
    ecs_memory             = { for k in keys(var.ecs_services) : k => local.simple_alarm_names["${k}-memory-high"] }
    alb_5xx_rate           = one(aws_cloudwatch_metric_alarm.alb_5xx_rate[*].alarm_name)
    alb_latency_p99        = lookup(local.simple_alarm_names, "api-latency-p99", null)
    unhealthy_hosts        = lookup(local.simple_alarm_names, "api-unhealthy-hosts", null)
    api_log_errors         = lookup(local.simple_alarm_names, "api-log-errors", null)
    aurora_cpu             = lookup(local.simple_alarm_names, "aurora-cpu-high", null)
    aurora_freeable_memory = lookup(local.simple_alarm_names, "aurora-freeable-memory-low", null)
    aurora_replica_lag     = lookup(local.simple_alarm_names, "aurora-replica-lag", null)
    elasticache_cpu        = { for k, a in aws_cloudwatch_metric_alarm.elasticache_cpu : k => a.alarm_name }
    elasticache_evictions  = { for k, a in aws_cloudwatch_metric_alarm.elasticache_evictions : k => a.alarm_name }
  }
}

output "service_health_alarm_arn" {
  description = "Composite alarm over the critical alarms (null without any)."
  value       = one(aws_cloudwatch_composite_alarm.service_health[*].arn)
}

output "dashboard_names" {
  description = "CloudWatch dashboards: executive, operations, developer."
  value       = { for k, d in aws_cloudwatch_dashboard.this : k => d.dashboard_name }
}

output "xray_group_arns" {
  description = "X-Ray group per service."
  value       = { for k, g in aws_xray_group.service : k => g.arn }
}

output "forwarder_function_name" {
  description = "Alarm forwarder Lambda (null when slack_enabled is false)."
  value       = one(aws_lambda_function.forwarder[*].function_name)
}

output "slack_webhook_secret_arn" {
  description = "Secret the forwarder reads the webhook URL from (set its value by hand)."
  value       = var.slack_enabled ? local.webhook_secret : null
}

output "forwarder_dead_letter_queue_url" {
  description = "Queue keeping notifications the forwarder could not deliver."
  value       = one(aws_sqs_queue.forwarder_dlq[*].url)
}
