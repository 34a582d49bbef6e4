variable "name" {
  type        = string
  description = "Bucket name."
}

variable "log_bucket" {
  type        = string
  description = "Bucket receiving the access logs."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the security group."
}

resource "aws_kms_key" "data" {
  description         = "data bucket"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = var.name
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "data" {
  bucket        = aws_s3_bucket.data.id
  target_bucket = var.log_bucket
  target_prefix = "data/"
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "Application tasks"
  vpc_id      = var.vpc_id
  egress {
    description = "HTTPS inside the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
