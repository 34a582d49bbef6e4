output "bucket_name" {
  description = "Name of the state bucket (live/root.hcl's remote_state bucket)."
  value       = aws_s3_bucket.state.id
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "log_bucket_name" {
  description = "Bucket receiving the state bucket's server access logs."
  value       = aws_s3_bucket.logs.id
}

output "lock_table_name" {
  description = "Name of the DynamoDB lock table (live/root.hcl's remote_state dynamodb_table)."
  value       = aws_dynamodb_table.lock.name
}

output "lock_table_arn" {
  description = "ARN of the DynamoDB lock table."
  value       = aws_dynamodb_table.lock.arn
}

output "kms_key_arn" {
  description = "ARN of the key encrypting state objects and the lock table (remote_state kms_key_id)."
  value       = local.key_arn
}

output "kms_alias_name" {
  description = "Alias of the state key (account.hcl's state_kms_key_id)."
  value       = var.kms_key_alias
}
