output "cluster_identifier" {
  description = "Identifier of the cluster."
  value       = aws_rds_cluster.this.cluster_identifier
}

output "cluster_arn" {
  description = "ARN of the cluster."
  value       = aws_rds_cluster.this.arn
}

output "cluster_resource_id" {
  description = "Resource id of the cluster (IAM database authentication policies name it)."
  value       = aws_rds_cluster.this.cluster_resource_id
}

output "endpoint" {
  description = "Writer endpoint (in a global secondary: the local reader until failover)."
  value       = aws_rds_cluster.this.endpoint
}

output "reader_endpoint" {
  description = "Reader endpoint."
  value       = aws_rds_cluster.this.reader_endpoint
}

output "port" {
  description = "PostgreSQL port."
  value       = aws_rds_cluster.this.port
}

output "database_name" {
  description = "Name of the initial database."
  value       = var.database_name
}

output "security_group_id" {
  description = "Security group of the cluster; clients add ingress rules for themselves."
  value       = aws_security_group.this.id
}

output "instance_identifiers" {
  description = "Identifiers of the instances."
  value       = aws_rds_cluster_instance.this[*].identifier
}

output "global_cluster_identifier" {
  description = "Global cluster this cluster belongs to (null when not global)."
  value       = local.global_cluster_identifier
}

output "master_user_secret_arn" {
  description = "Secret holding the master credentials (RDS-managed, or the given secret of a global primary; null in a secondary)."
  value       = local.managed_password ? try(aws_rds_cluster.this.master_user_secret[0].secret_arn, null) : var.master_password_secret_arn
}
