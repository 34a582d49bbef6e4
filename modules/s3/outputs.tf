output "bucket_names" {
  description = "Bucket name by key."
  value       = { for k, b in aws_s3_bucket.this : k => b.id }
}

output "bucket_arns" {
  description = "Bucket ARN by key."
  value       = { for k, b in aws_s3_bucket.this : k => b.arn }
}

output "access_logs_bucket" {
  description = "Bucket receiving the server access logs."
  value       = aws_s3_bucket.access_logs.id
}

output "replication_role_arn" {
  description = "Role S3 replicates with (null without replication)."
  value       = try(aws_iam_role.replication[0].arn, null)
}
