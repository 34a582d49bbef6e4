# A stand-in for an S3 bucket: terraform_data holds its settings, time_static records when
# it was created, and local_file optionally writes a manifest on disk.
resource "terraform_data" "bucket" {
  input = {
    tags           = var.tags
    kms_key_id     = var.kms_key_id
    name           = "${var.name}-${var.environment}"
    vpc_id         = var.vpc_id
    retention_days = var.retention_days
  }
}

resource "time_static" "created" {
  triggers = {
    bucket = terraform_data.bucket.id
  }
}

resource "local_file" "manifest" {
  count = var.manifest_dir == "" ? 0 : 1

  filename = "${var.manifest_dir}/${var.name}-${var.environment}.json"
  content = jsonencode({
    bucket         = terraform_data.bucket.input.name
    vpc_id         = var.vpc_id
    retention_days = var.retention_days
    created_at     = time_static.created.rfc3339
  })
}
