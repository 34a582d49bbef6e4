# The access-log bucket of the data bucket cannot log to itself.
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "logs" {
  bucket = "ai-tools-logs"
}
