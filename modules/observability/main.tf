# Monitoring of one environment and region: the alarm topic (KMS) with email and Slack
# routes, metric filters on the API logs, the alarms of the spec, three dashboards and
# the X-Ray sampling rules and groups. Thresholds and recipients come from env.hcl.

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

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "DelegateToIAM"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${var.aws_account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.aws_region}:${var.aws_account_id}:log-group:*"]
    }
  }

  # CloudWatch alarms publish to the encrypted topic.
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.aws_account_id]
    }
  }
}

resource "aws_kms_key" "monitoring" {
  description             = "${local.name} monitoring: alarm topic, forwarder logs, secret and queue"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json

  tags = merge(local.tags, { Name = "${local.name}-monitoring" })
}

resource "aws_kms_alias" "monitoring" {
  name          = "alias/${local.name}-monitoring"
  target_key_id = aws_kms_key.monitoring.key_id
}
