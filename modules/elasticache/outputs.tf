output "replication_group_id" {
  description = "Id of the replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "primary_endpoint_address" {
  description = "Primary (read-write) endpoint."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint_address" {
  description = "Reader endpoint spreading reads over the replicas."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "port" {
  description = "Port clients connect to (TLS required)."
  value       = local.port
}

output "security_group_id" {
  description = "Security group of the nodes; clients add ingress rules for themselves."
  value       = aws_security_group.this.id
}

output "auth_token_secret_arn" {
  description = "Secret holding the AUTH token."
  value       = var.auth_token_secret_arn
}
