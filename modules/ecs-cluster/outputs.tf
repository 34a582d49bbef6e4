output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "capacity_provider" {
  description = "Default capacity provider of the cluster."
  value       = var.capacity_provider
}

output "exec_log_group_name" {
  description = "Log group auditing ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.name
}

output "exec_log_group_arn" {
  description = "ARN of the ECS Exec audit log group (tasks allowed to use ECS Exec write to it)."
  value       = "arn:aws:logs:${var.aws_region}:${var.aws_account_id}:log-group:${aws_cloudwatch_log_group.exec.name}"
}

output "exec_kms_key_arn" {
  description = "KMS key of ECS Exec sessions (tasks allowed to use ECS Exec decrypt with it)."
  value       = var.kms_key_arn
}
