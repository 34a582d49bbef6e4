# Monitoring of one environment and region: the alarm topic (KMS) with email and Slack
# routes, metric filters on the API logs, the alarms of the spec, three dashboards and
# the X-Ray sampling rules and groups. Thresholds and recipients come from env.hcl. The
# KMS keys are the platform's (modules/kms): "monitoring" (its policy lets CloudWatch
# publish to encrypted topics) and "logs" (its policy lets CloudWatch Logs use it).

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  name      = "${var.service}-${var.environment}"
  tags      = merge(var.tags, { tier = var.tier, component = "observability" })

  alarm_actions = [aws_sns_topic.alarms.arn]
  ok_actions    = [aws_sns_topic.alarms.arn]
  insufficient  = var.notify_insufficient_data ? [aws_sns_topic.alarms.arn] : []

  has_alb         = var.alb_arn_suffix != ""
  has_tg          = var.alb_arn_suffix != "" && var.api_target_group_arn_suffix != ""
  has_aurora      = var.aurora_cluster_identifier != ""
  has_replicas    = var.aurora_cluster_identifier != "" && var.aurora_instance_count > 1
  api             = lookup(var.ecs_services, var.api_service_key, null)
  metric_ns       = "${var.service}/${var.environment}"
  dashboard_names = { for k in ["executive", "operations", "developer"] : k => "${local.name}-${k}" }
}
