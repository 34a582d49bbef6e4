# The S3 bucket holding OpenTofu state for one account and region, encrypted with a
# customer-managed key, and the DynamoDB table locking it. `olechka bootstrap` creates the
# same resources before any state exists (state cannot live in a bucket not yet made);
# the state-backend unit then adopts them with import blocks (live/_envcommon/bootstrap.hcl,
# docs/bootstrap.md). The key stays with bootstrap unless create_kms_key is set.

data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  bucket     = var.bucket_name != "" ? var.bucket_name : "terraform-state-${var.aws_account_id}-${var.aws_region}"
  log_bucket = "${local.bucket}-logs"
  tags       = merge(var.tags, { tier = var.tier, component = "terraform-state" })
  key_arn    = var.create_kms_key ? aws_kms_key.state[0].arn : data.aws_kms_key.state[0].arn
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

  dynamic "statement" {
    for_each = length(var.state_reader_role_arns) > 0 ? [1] : []

    content {
      sid       = "StateReaders"
      actions   = ["kms:Decrypt", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.state_reader_role_arns
      }
    }
  }
}

data "aws_kms_key" "state" {
  count = var.create_kms_key ? 0 : 1

  key_id = var.kms_key_alias
}

resource "aws_kms_key" "state" {
  count = var.create_kms_key ? 1 : 0

  description             = "OpenTofu state of the ${var.environment} account ${var.aws_account_id} in ${var.aws_region} (bucket ${local.bucket}, table ${var.lock_table_name})"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json

  tags = merge(local.tags, { Name = "terraform-state" })
}

resource "aws_kms_alias" "state" {
  count = var.create_kms_key ? 1 : 0

  name          = var.kms_key_alias
  target_key_id = aws_kms_key.state[0].key_id
}

resource "aws_s3_bucket" "state" {
  bucket = local.bucket

  tags = merge(local.tags, { Name = local.bucket })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-noncurrent-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_logging" "state" {
  bucket        = aws_s3_bucket.state.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3-access/${local.bucket}/"

  depends_on = [aws_s3_bucket_policy.logs]
}

data "aws_iam_policy_document" "state" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = length(var.state_reader_role_arns) > 0 ? [1] : []

    content {
      sid       = "StateReaders"
      actions   = ["s3:GetObject", "s3:ListBucket"]
      resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]

      principals {
        type        = "AWS"
        identifiers = var.state_reader_role_arns
      }
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state.json

  depends_on = [aws_s3_bucket_public_access_block.state]
}
