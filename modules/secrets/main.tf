locals {
  prefix = "${var.service}/${var.environment}"
  tags   = merge(var.tags, { tier = var.tier })

  generated = { for k, s in var.secrets : k => s if s.generate }
  rotated   = { for k, s in var.secrets : k => s if s.rotation_lambda_arn != null }
}

resource "aws_secretsmanager_secret" "this" {
  for_each = var.secrets

  name                    = "${local.prefix}/${each.key}"
  description             = each.value.description
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days

  dynamic "replica" {
    for_each = [for r in var.replica_regions : r if r.region != var.aws_region]

    content {
      region     = replica.value.region
      kms_key_id = replica.value.kms_key_arn
    }
  }

  tags = merge(local.tags, { Name = "${local.prefix}/${each.key}" })
}

# Deny use of the secrets from outside this account, whatever IAM says.
data "aws_iam_policy_document" "this" {
  for_each = var.secrets

  statement {
    sid       = "DenyOtherAccounts"
    effect    = "Deny"
    actions   = ["secretsmanager:*"]
    resources = ["*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalAccount"
      values   = [var.aws_account_id]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "this" {
  for_each = var.secrets

  secret_arn = aws_secretsmanager_secret.this[each.key].arn
  policy     = data.aws_iam_policy_document.this[each.key].json
}

# A random value generated once by Secrets Manager itself; later applies never change it.
data "aws_secretsmanager_random_password" "this" {
  for_each = local.generated

  password_length     = each.value.length
  exclude_punctuation = each.value.exclude_punctuation
}

resource "aws_secretsmanager_secret_version" "generated" {
  for_each = local.generated

  secret_id     = aws_secretsmanager_secret.this[each.key].id
  secret_string = data.aws_secretsmanager_random_password.this[each.key].random_password

  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_secretsmanager_secret_rotation" "this" {
  for_each = local.rotated

  secret_id           = aws_secretsmanager_secret.this[each.key].id
  rotation_lambda_arn = each.value.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = each.value.rotation_days
  }
}
