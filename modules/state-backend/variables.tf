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

variable "tags" {
  description = "Extra tags for every resource (the provider's default_tags already carry environment, service, managed-by and repository)."
  type        = map(string)
  default     = {}
}

variable "bucket_name" {
  description = "Name of the state bucket; empty means terraform-state-<aws_account_id>-<aws_region>, the name live/root.hcl and `olechka bootstrap` use."
  type        = string
  default     = ""

  validation {
    condition     = var.bucket_name == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,56}[a-z0-9]$", var.bucket_name))
    error_message = "The bucket_name must be 3 to 58 lowercase letters, digits, dots or hyphens (58 leaves room for the -logs suffix of the access-log bucket)."
  }
}

variable "lock_table_name" {
  description = "Name of the DynamoDB table OpenTofu locks state with (hash key LockID)."
  type        = string
  default     = "terraform-locks"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.lock_table_name))
    error_message = "The lock_table_name must be 3 to 255 letters, digits, underscores, dots or hyphens."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a noncurrent (overwritten or deleted) state version is kept before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 7 && var.noncurrent_version_retention_days <= 3650
    error_message = "The noncurrent_version_retention_days must be between 7 and 3650."
  }
}

variable "access_log_retention_days" {
  description = "Days a server access log object of the state bucket is kept."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 30 && var.access_log_retention_days <= 3650
    error_message = "The access_log_retention_days must be between 30 and 3650."
  }
}

variable "create_kms_key" {
  description = "Create the state key here. false (default) uses the key olechka bootstrap made under kms_key_alias, which must exist before any state is written."
  type        = bool
  default     = false
}

variable "kms_key_alias" {
  description = "Alias of the state key (live/<env>/account.hcl state_kms_key_id)."
  type        = string
  default     = "alias/terraform-state"

  validation {
    condition     = can(regex("^alias/[A-Za-z0-9/_-]+$", var.kms_key_alias)) && !startswith(var.kms_key_alias, "alias/aws/")
    error_message = "The kms_key_alias must be alias/NAME and not an AWS-managed alias (alias/aws/...)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the state key is destroyed once scheduled for deletion (with create_kms_key)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "The kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "state_reader_role_arns" {
  description = "IAM roles of other accounts granted read access to the state through the bucket policy (and the key policy, with create_kms_key); roles of this account need no entry, their IAM policies suffice."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.state_reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "Every state_reader_role_arns entry must be an IAM role ARN."
  }
}
