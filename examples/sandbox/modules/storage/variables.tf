variable "name" {
  description = "Name prefix of the bucket."
  type        = string
}

variable "environment" {
  description = "Environment the bucket belongs to."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be dev, staging or production."
  }
}

variable "vpc_id" {
  description = "VPC whose endpoint serves the bucket."
  type        = string
}

variable "retention_days" {
  description = "Days objects are kept."
  type        = number
  default     = 7

  validation {
    condition     = var.retention_days >= 1
    error_message = "retention_days must be at least 1."
  }
}

variable "manifest_dir" {
  description = "Folder where a JSON manifest of the bucket is written with local_file; empty writes none."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags every resource carries (in AWS: default_tags and resource tags)."
  type        = map(string)
  default     = {}
}

variable "kms_key_id" {
  description = "Customer-managed KMS key the bucket is encrypted with (the sandbox records it)."
  type        = string

  validation {
    condition     = length(var.kms_key_id) > 0
    error_message = "kms_key_id must name a customer-managed key."
  }
}
