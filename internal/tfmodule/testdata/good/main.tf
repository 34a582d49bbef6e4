resource "aws_s3_bucket" "this" {
  bucket = var.name
}

data "aws_region" "current" {}

output "bucket" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.bucket
}

output "secret" {
  value     = var.password
  sensitive = true
}
