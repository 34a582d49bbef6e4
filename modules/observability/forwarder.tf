# The Slack route: the alarm forwarder Lambda (cmd/alarm-forwarder, provided.al2023 on
# arm64) subscribed to the alarm topic. It reads the webhook URL from Secrets Manager;
# failed deliveries end in a KMS-encrypted dead-letter queue.

locals {
  forwarder_name   = "${local.name}-alarm-forwarder"
  slack            = var.slack_enabled ? 1 : 0
  webhook_secret   = var.slack_webhook_secret_arn != "" ? var.slack_webhook_secret_arn : try(aws_secretsmanager_secret.webhook[0].arn, "")
  forwarder_log_lg = "/aws/lambda/${local.forwarder_name}"
}

resource "aws_secretsmanager_secret" "webhook" {
  count = var.slack_enabled && var.slack_webhook_secret_arn == "" ? 1 : 0

  name        = "${var.service}/${var.environment}/slack-alarm-webhook"
  description = "Slack incoming webhook URL the alarm forwarder posts to (set the value by hand; see docs/observability.md)."
  kms_key_id  = var.kms_key_arn

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "forwarder" {
  count = local.slack

  name              = local.forwarder_log_lg
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = local.tags
}

resource "aws_sqs_queue" "forwarder_dlq" {
  count = local.slack

  name                      = "${local.forwarder_name}-dlq"
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = 1209600

  tags = local.tags
}

data "aws_iam_policy_document" "forwarder_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.aws_account_id]
    }
  }
}

resource "aws_iam_role" "forwarder" {
  count = local.slack

  name               = "${local.forwarder_name}-${var.aws_region}"
  description        = "Alarm forwarder Lambda of ${local.name}"
  assume_role_policy = data.aws_iam_policy_document.forwarder_trust.json

  tags = local.tags
}

data "aws_iam_policy_document" "forwarder" {
  count = local.slack

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.forwarder[0].arn}:*"]
  }

  statement {
    sid       = "WebhookSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.webhook_secret]
  }

  statement {
    sid       = "DecryptSecret"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.forwarder_dlq[0].arn]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "forwarder" {
  count = local.slack

  name   = "alarm-forwarder"
  role   = aws_iam_role.forwarder[0].id
  policy = data.aws_iam_policy_document.forwarder[0].json
}

resource "aws_lambda_function" "forwarder" {
  count = local.slack

  function_name    = local.forwarder_name
  description      = "CloudWatch alarms of ${local.name} to Slack (cmd/alarm-forwarder)"
  role             = aws_iam_role.forwarder[0].arn
  runtime          = "provided.al2023"
  architectures    = ["arm64"]
  handler          = "bootstrap"
  filename         = var.forwarder_package_path
  source_code_hash = filebase64sha256(var.forwarder_package_path)
  memory_size      = 128
  timeout          = 60
  kms_key_arn      = var.kms_key_arn

  environment {
    variables = {
      SLACK_WEBHOOK_SECRET_ARN = local.webhook_secret
      DASHBOARD_NAME           = local.dashboard_names.operations
      WEBHOOK_CACHE_TTL        = "5m"
      LOG_LEVEL                = var.forwarder_log_level
    }
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.forwarder[0].name
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.forwarder_dlq[0].arn
  }

  tags = merge(local.tags, var.forwarder_source_hash == "" ? {} : { source-sha256 = var.forwarder_source_hash })

  depends_on = [aws_iam_role_policy.forwarder]
}

resource "aws_lambda_function_event_invoke_config" "forwarder" {
  count = local.slack

  function_name                = aws_lambda_function.forwarder[0].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600
}

resource "aws_lambda_permission" "sns" {
  count = local.slack

  statement_id  = "AllowAlarmTopic"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.forwarder[0].function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.alarms.arn
}

resource "aws_sns_topic_subscription" "slack" {
  count = local.slack

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.forwarder[0].arn

  depends_on = [aws_lambda_permission.sns]
}

resource "aws_cloudwatch_metric_alarm" "forwarder_errors" {
  count = local.slack

  alarm_name          = "${local.forwarder_name}-failing"
  alarm_description   = "The Slack route is failing (forwarder errors or dead letters); email recipients still get alarms."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  dimensions          = { QueueName = aws_sqs_queue.forwarder_dlq[0].name }

  alarm_actions = local.alarm_actions

  tags = local.tags
}
