output "repository_urls" {
  description = "Repository URL by component (<account>.dkr.ecr.<region>.amazonaws.com/<service>/<component>)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by component."
  value       = { for k, r in aws_ecr_repository.this : k => r.arn }
}

output "registry_id" {
  description = "Registry (account) id holding the repositories."
  value       = var.aws_account_id
}

output "region" {
  description = "Region of the repositories."
  value       = var.aws_region
}
