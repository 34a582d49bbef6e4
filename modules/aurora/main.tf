locals {
  name        = "${var.service}-${var.environment}"
  tags        = merge(var.tags, { tier = var.tier })
  region_code = "${split("-", var.aws_region)[0]}${substr(split("-", var.aws_region)[1], 0, 1)}${split("-", var.aws_region)[2]}"

  is_primary   = var.global_cluster.role == "primary"
  is_secondary = var.global_cluster.role == "secondary"
  # RDS-managed master passwords are not supported in global databases.
  managed_password = var.global_cluster.role == "none"

  global_cluster_identifier = local.is_primary ? aws_rds_global_cluster.this[0].id : (local.is_secondary ? var.global_cluster.identifier : null)

  cluster_identifier = "${local.name}-${local.region_code}"
  port               = 5432
}

resource "aws_db_subnet_group" "this" {
  name        = local.cluster_identifier
  description = "Database subnets of ${local.cluster_identifier}"
  subnet_ids  = var.subnet_ids

  tags = local.tags
}

# No ingress rules here: each client (an ECS service) adds its own rule for its security group.
resource "aws_security_group" "this" {
  name        = "${local.cluster_identifier}-aurora"
  description = "Aurora PostgreSQL ${local.cluster_identifier}"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${local.cluster_identifier}-aurora" })
}

resource "aws_rds_cluster_parameter_group" "this" {
  name        = "${local.cluster_identifier}-pg${split(".", var.engine_version)[0]}"
  family      = "aurora-postgresql${split(".", var.engine_version)[0]}"
  description = "TLS-only, logged connections for ${local.cluster_identifier}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_global_cluster" "this" {
  count = local.is_primary ? 1 : 0

  global_cluster_identifier = local.name
  engine                    = "aurora-postgresql"
  engine_version            = var.engine_version
  database_name             = var.database_name
  storage_encrypted         = true
  deletion_protection       = var.deletion_protection
}

# A global primary cannot let RDS manage its master password. The password is generated
# by Secrets Manager (GetRandomPassword: a generator; no stored secret is read) when the
# cluster is created and written into master_password_secret_arn. No plan reads a secret
# value: after creation both arguments ignore changes. (OpenTofu 1.10 has no write-only
# arguments; with 1.11, master_password_wo keeps it out of state too:
# docs/security.md#secrets-in-modules-state-and-plans.)
data "aws_secretsmanager_random_password" "master" {
  count = local.is_primary ? 1 : 0

  password_length     = 40
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "master" {
  count = local.is_primary ? 1 : 0

  secret_id     = var.master_password_secret_arn
  secret_string = data.aws_secretsmanager_random_password.master[0].random_password

  lifecycle {
    ignore_changes = [secret_string]
  }
}

# Exported PostgreSQL logs land here: created first so they are encrypted and expire.
resource "aws_cloudwatch_log_group" "postgresql" {
  name              = "/aws/rds/cluster/${local.cluster_identifier}/postgresql"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = local.tags
}

resource "aws_rds_cluster" "this" {
  cluster_identifier        = local.cluster_identifier
  engine                    = "aurora-postgresql"
  engine_mode               = "provisioned"
  engine_version            = var.engine_version
  global_cluster_identifier = local.global_cluster_identifier

  # A global secondary replicates the primary's database and users.
  database_name                 = local.is_secondary ? null : var.database_name
  master_username               = local.is_secondary ? null : var.master_username
  manage_master_user_password   = local.managed_password ? true : null
  master_user_secret_kms_key_id = local.managed_password ? var.secrets_kms_key_arn : null
  master_password               = local.is_primary ? data.aws_secretsmanager_random_password.master[0].random_password : null

  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  iam_database_authentication_enabled = true
  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.this.id]
  db_cluster_parameter_group_name     = aws_rds_cluster_parameter_group.this.name
  port                                = local.port

  backup_retention_period      = var.backup_retention_days
  preferred_backup_window      = var.preferred_backup_window
  preferred_maintenance_window = var.preferred_maintenance_window
  copy_tags_to_snapshot        = true
  # Off only where the tier says so (dev tears environments down); the production policy denies it there.
  deletion_protection       = var.deletion_protection #trivy:ignore:AVD-AWS-0343 Deletion protection follows the tier in env.hcl: off only in dev.
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${local.cluster_identifier}-final"

  enabled_cloudwatch_logs_exports = ["postgresql"]
  apply_immediately               = var.apply_immediately

  tags = merge(local.tags, { Name = local.cluster_identifier })

  lifecycle {
    # A secondary's replication source is managed by the global cluster.
    # The master password is set at creation only (see the data source above).
    ignore_changes = [replication_source_identifier, master_password]

    precondition {
      condition     = !local.is_primary || var.master_password_secret_arn != null
      error_message = "A global primary needs master_password_secret_arn: RDS-managed master passwords are not supported in global databases."
    }

    precondition {
      condition     = var.global_cluster.role == "none" || can(regex("^db\\.(r|x)", var.instance_class))
      error_message = "Aurora Global Database needs memory-optimized (db.r*/db.x*) instances, not ${var.instance_class}."
    }
  }

  depends_on = [aws_cloudwatch_log_group.postgresql]
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.aws_account_id]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name               = "${local.cluster_identifier}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_rds_cluster_instance" "this" {
  count = var.instance_count

  identifier                   = "${local.cluster_identifier}-${count.index + 1}"
  cluster_identifier           = aws_rds_cluster.this.id
  engine                       = aws_rds_cluster.this.engine
  engine_version               = aws_rds_cluster.this.engine_version
  instance_class               = var.instance_class
  db_subnet_group_name         = aws_db_subnet_group.this.name
  availability_zone            = length(var.availability_zones) > 0 ? var.availability_zones[count.index % length(var.availability_zones)] : null
  publicly_accessible          = false
  auto_minor_version_upgrade   = true
  promotion_tier               = count.index
  ca_cert_identifier           = "rds-ca-rsa2048-g1"
  preferred_maintenance_window = var.preferred_maintenance_window
  apply_immediately            = var.apply_immediately

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = var.performance_insights_retention_days

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null

  tags = merge(local.tags, { Name = "${local.cluster_identifier}-${count.index + 1}" })
}
