output "bucket_name" {
  description = "Name of the bucket."
  value       = terraform_data.bucket.input.name
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = "arn:aws:s3:::${terraform_data.bucket.input.name}"
}

output "created_at" {
  description = "When the bucket was created (RFC 3339)."
  value       = time_static.created.rfc3339
}
