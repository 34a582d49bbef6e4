locals {
  name        = "${var.service}-${var.environment}"
  tags        = merge(var.tags, { tier = var.tier })
  region_code = "${split("-", var.aws_region)[0]}${substr(split("-", var.aws_region)[1], 0, 1)}${split("-", var.aws_region)[2]}"
  id          = "${local.name}-${local.region_code}"
  port        = 6379
}

resource "aws_elasticache_subnet_group" "this" {
  name        = local.id
  description = "Cache subnets of ${local.id}"
  subnet_ids  = var.subnet_ids

  tags = local.tags
}

# No ingress rules here: each client (an ECS service) adds its own rule for its security group.
resource "aws_security_group" "this" {
  name        = "${local.id}-cache"
  description = "ElastiCache ${var.engine} ${local.id}"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${local.id}-cache" })
}

data "aws_secretsmanager_secret_version" "auth_token" {
  secret_id = var.auth_token_secret_arn
}

resource "aws_cloudwatch_log_group" "slow_log" {
  name              = "/elasticache/${local.id}/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = local.tags
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = local.id
  description          = "${var.engine} for ${local.name} in ${var.aws_region} (account ${var.aws_account_id})"
  engine               = var.engine
  engine_version       = var.engine_version
  node_type            = var.node_type
  num_cache_clusters   = var.num_cache_clusters
  port                 = local.port

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  multi_az_enabled           = var.multi_az
  automatic_failover_enabled = var.multi_az

  at_rest_encryption_enabled = "true"
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = data.aws_secretsmanager_secret_version.auth_token.secret_string
  auth_token_update_strategy = "ROTATE"

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = var.snapshot_window
  maintenance_window         = var.maintenance_window
  auto_minor_version_upgrade = true
  apply_immediately          = var.apply_immediately

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow_log.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = merge(local.tags, { Name = local.id })

  lifecycle {
    precondition {
      condition     = !var.multi_az || var.num_cache_clusters >= 2
      error_message = "Multi-AZ with automatic failover needs at least 2 nodes (num_cache_clusters >= 2)."
    }
  }
}
