# Common inputs: every unit gets these from live/root.hcl.

variable "environment" {
  description = "Environment name (dev, staging or production); part of every resource name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "The environment must be one of dev, staging or production."
  }
}

variable "tier" {
  description = "Tier whose settings apply (dev, staging or production); tagged on every resource."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.tier)
    error_message = "The tier must be one of dev, staging or production."
  }
}

variable "aws_region" {
  description = "AWS region the unit deploys to, e.g. eu-central-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "The aws_region must look like eu-central-1."
  }
}

variable "aws_account_id" {
  description = "AWS account id the unit deploys to (12 digits)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "The aws_account_id must be exactly 12 digits."
  }
}

variable "service" {
  description = "Service name used as the prefix of resource names."
  type        = string
  default     = "ai-tools"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.service))
    error_message = "The service must be 2 to 20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (the provider's default_tags already carry environment, service, managed-by and repository)."
  type        = map(string)
  default     = {}
}

variable "buckets" {
  description = "Buckets to create (map key = purpose, e.g. uploads). Names are <service>-<environment>-<key>-<account>-<region>. Noncurrent versions expire after noncurrent_days; current objects move to STANDARD_IA after transition_ia_days and expire after expire_days (null = never)."
  type = map(object({
    description        = string
    noncurrent_days    = optional(number, 30)
    transition_ia_days = optional(number)
    expire_days        = optional(number)
  }))

  validation {
    condition     = length(var.buckets) > 0 && alltrue([for k in keys(var.buckets) : can(regex("^[a-z][a-z0-9-]{2,11}$", k))])
    error_message = "Bucket keys must be 3 to 12 lowercase letters, digits or hyphens, starting with a letter."
  }

  validation {
    condition     = alltrue([for b in values(var.buckets) : b.noncurrent_days >= 1 && (b.transition_ia_days == null || try(b.transition_ia_days >= 30, false)) && (b.expire_days == null || try(b.expire_days > coalesce(b.transition_ia_days, 0), false))])
    error_message = "noncurrent_days must be at least 1, transition_ia_days at least 30 (an S3 minimum), and expire_days later than transition_ia_days."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key encrypting the buckets (SSE-KMS with bucket keys)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN."
  }
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (dev only)."
  type        = bool
  default     = false
}

variable "replication" {
  description = "Cross-region replication of every bucket (production): destination bucket ARN by bucket key, the destination region's KMS key, and the storage class of replicas. Null disables replication."
  type = object({
    destination_bucket_arns = map(string)
    destination_kms_key_arn = string
    storage_class           = optional(string, "STANDARD")
  })
  default = null

  validation {
    condition     = var.replication == null || try(alltrue([for a in values(var.replication.destination_bucket_arns) : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", a))]), false)
    error_message = "Every replication destination must be an S3 bucket ARN (arn:aws:s3:::name)."
  }

  validation {
    condition     = var.replication == null || try(contains(["STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"], var.replication.storage_class), false)
    error_message = "The replication storage_class must be STANDARD, STANDARD_IA, INTELLIGENT_TIERING or GLACIER_IR."
  }
}

variable "access_log_retention_days" {
  description = "Days server access logs of the buckets are kept."
  type        = number
  default     = 90

  validation {
    condition     = var.access_log_retention_days >= 1
    error_message = "The access_log_retention_days must be at least 1."
  }
}
