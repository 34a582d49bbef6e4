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

variable "kms_key_arn" {
  description = "ARN of the KMS key encrypting the secrets."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN."
  }
}

variable "secrets" {
  description = <<-EOT
    Secrets to create (map key = name; the secret is <service>/<environment>/<key>).
    generate = true stores a random value once (never changed by later applies; rotate it
    with rotation_lambda_arn or by hand). Without generate, operators put the value in
    after the first apply (third-party API keys). rotation_lambda_arn turns on rotation
    every rotation_days (Secrets Manager calls the function).
  EOT
  type = map(object({
    description         = string
    generate            = optional(bool, false)
    length              = optional(number, 32)
    exclude_punctuation = optional(bool, true)
    rotation_lambda_arn = optional(string)
    rotation_days       = optional(number, 30)
  }))

  validation {
    condition     = alltrue([for k in keys(var.secrets) : can(regex("^[a-z][a-z0-9-]{1,40}$", k))])
    error_message = "Secret keys must be 2 to 41 lowercase letters, digits or hyphens, starting with a letter."
  }

  validation {
    condition     = alltrue([for s in values(var.secrets) : s.length >= 16 && s.length <= 128 && s.rotation_days >= 1 && s.rotation_days <= 1000])
    error_message = "Generated secret length must be between 16 and 128, and rotation_days between 1 and 1000."
  }
}

variable "replica_regions" {
  description = "Regions the secrets replicate to (Secrets Manager replication), each with the KMS key to use there."
  type = list(object({
    region      = string
    kms_key_arn = string
  }))
  default = []

  validation {
    condition     = alltrue([for r in var.replica_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", r.region)) && can(regex("^arn:aws[a-z-]*:kms:", r.kms_key_arn))])
    error_message = "Every replica needs a region like ap-southeast-1 and a KMS key ARN."
  }
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once; dev only)."
  type        = number
  default     = 30

  validation {
    condition     = var.recovery_window_in_days == 0 || (var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30)
    error_message = "The recovery_window_in_days must be 0 or between 7 and 30."
  }
}
