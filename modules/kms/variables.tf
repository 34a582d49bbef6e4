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

variable "keys" {
  description = "Customer-managed keys to create, one per data domain (map key = domain, e.g. aurora, s3, logs). service_principals may use the key through the key policy (e.g. logs.amazonaws.com); everything else goes through IAM. multi_region makes a multi-region primary key another region can replicate (needed where the domain's data replicates; cannot change after creation)."
  type = map(object({
    description        = string
    service_principals = optional(list(string), [])
    multi_region       = optional(bool, false)
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.keys) : can(regex("^[a-z][a-z0-9-]{1,30}$", k))])
    error_message = "Key names must be 2 to 31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "replicas" {
  description = "Replica keys to create in this region from multi-region primary keys of another region (map key = domain, value = the primary key's ARN and description)."
  type = map(object({
    primary_key_arn    = string
    description        = string
    service_principals = optional(list(string), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for r in values(var.replicas) : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/mrk-[0-9a-f]{32}$", r.primary_key_arn))])
    error_message = "Every replica's primary_key_arn must be the ARN of a multi-region key (key id starting with mrk-)."
  }
}

variable "deletion_window_in_days" {
  description = "Waiting period before a deleted key is destroyed."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "The deletion_window_in_days must be between 7 and 30."
  }
}

variable "rotation_period_in_days" {
  description = "Automatic key rotation period."
  type        = number
  default     = 365

  validation {
    condition     = var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560
    error_message = "The rotation_period_in_days must be between 90 and 2560."
  }
}
