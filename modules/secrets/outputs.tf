output "secret_arns" {
  description = "Secret ARN by key."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "secret_names" {
  description = "Secret name by key (<service>/<environment>/<key>)."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.name }
}
