locals {
  name = "${var.service}-${var.environment}"
  tags = merge(var.tags, { tier = var.tier })

  all_keys = merge(
    { for k, v in var.keys : k => v.service_principals },
    { for k, v in var.replicas : k => v.service_principals },
  )
}

# One key policy per key: the account's IAM policies govern access (the standard
# delegation to the account root), plus the service principals that must be named in the
# key policy itself, scoped to this account.
data "aws_iam_policy_document" "key" {
  for_each = local.all_keys

  statement {
    sid       = "DelegateToIAM"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.aws_account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = [for p in each.value : p if startswith(p, "logs.")]

    content {
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
        values   = ["arn:aws:logs:${var.aws_region}:${var.aws_account_id}:log-group:*"]
      }
    }
  }

  dynamic "statement" {
    for_each = [for p in each.value : p if !startswith(p, "logs.")]

    content {
      sid       = "Service${replace(title(replace(split(".", statement.value)[0], "-", " ")), " ", "")}"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = [statement.value]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.aws_account_id]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = var.keys

  description             = "${local.name} ${each.key}: ${each.value.description}"
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  multi_region            = each.value.multi_region
  policy                  = data.aws_iam_policy_document.key[each.key].json

  tags = merge(local.tags, { Name = "${local.name}-${each.key}" })
}

resource "aws_kms_alias" "this" {
  for_each = var.keys

  name          = "alias/${local.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

# Replica keys share key material and rotation with their primary in another region.
resource "aws_kms_replica_key" "this" {
  for_each = var.replicas

  description             = "${local.name} ${each.key} (replica): ${each.value.description}"
  primary_key_arn         = each.value.primary_key_arn
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key[each.key].json

  tags = merge(local.tags, { Name = "${local.name}-${each.key}" })

  lifecycle {
    precondition {
      condition     = !contains(keys(var.keys), each.key)
      error_message = "A replica key and a local key cannot share the name ${each.key}."
    }
  }
}

resource "aws_kms_alias" "replica" {
  for_each = var.replicas

  name          = "alias/${local.name}-${each.key}"
  target_key_id = aws_kms_replica_key.this[each.key].key_id
}
