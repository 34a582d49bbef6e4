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

variable "vpc_id" {
  description = "VPC of the cluster's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Database subnets (no internet route), one per availability zone."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Aurora needs database subnets in at least two availability zones."
  }
}

variable "availability_zones" {
  description = "Zones the instances are placed in, round robin (so 3 instances land in 3 zones). Empty lets RDS choose."
  type        = list(string)
  default     = []
}

variable "engine_version" {
  description = "Aurora PostgreSQL engine version (major.minor)."
  type        = string
  default     = "16.6"

  validation {
    condition     = can(regex("^1[4-7]\\.[0-9]+$", var.engine_version))
    error_message = "The engine_version must be an Aurora PostgreSQL version from 14 to 17, e.g. 16.6."
  }
}

variable "instance_class" {
  description = "Instance class, e.g. db.t4g.medium (dev) or db.r7g.large. Global databases need a memory-optimized (db.r*) class."
  type        = string

  validation {
    condition     = can(regex("^db\\.(t3|t4g|r5|r6g|r6gd|r6i|r7g|r7i|r8g|x2g|serverless)(\\.(medium|large|xlarge|[0-9]+xlarge))?$", var.instance_class)) && (var.instance_class == "db.serverless" || can(regex("\\.(medium|large|xlarge|[0-9]+xlarge)$", var.instance_class)))
    error_message = "The instance_class must be an Aurora PostgreSQL instance class such as db.t4g.medium, db.r7g.large or db.serverless."
  }
}

variable "instance_count" {
  description = "Number of instances: 1 writer plus readers (dev 1, staging 2, production 3)."
  type        = number

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 15 && floor(var.instance_count) == var.instance_count
    error_message = "The instance_count must be a whole number from 1 to 15."
  }
}

variable "backup_retention_days" {
  description = "Days automated backups are kept (dev 7, staging 14, production 30)."
  type        = number

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "The backup_retention_days must be a whole number from 1 to 35."
  }
}

variable "preferred_backup_window" {
  description = "Daily UTC window for automated backups (hh24:mi-hh24:mi)."
  type        = string
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.preferred_backup_window))
    error_message = "The preferred_backup_window must look like 02:00-03:00."
  }
}

variable "preferred_maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:03:30-sun:04:30"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.preferred_maintenance_window))
    error_message = "The preferred_maintenance_window must look like sun:03:30-sun:04:30."
  }
}

variable "deletion_protection" {
  description = "Protect the cluster against deletion (staging and production)."
  type        = bool
}

variable "skip_final_snapshot" {
  description = "Destroy without a final snapshot (dev only)."
  type        = bool
}

variable "kms_key_arn" {
  description = "ARN of the KMS key encrypting storage and Performance Insights (in a global secondary: the replica key in this region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN."
  }
}

variable "secrets_kms_key_arn" {
  description = "ARN of the KMS key encrypting the master user secret RDS manages."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.secrets_kms_key_arn))
    error_message = "The secrets_kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the KMS key encrypting the exported PostgreSQL log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "The logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the exported PostgreSQL log group, in days."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "performance_insights_retention_days" {
  description = "Performance Insights retention: 7 (free tier), or a multiple of 31 up to 731."
  type        = number
  default     = 7

  validation {
    condition     = var.performance_insights_retention_days == 7 || (var.performance_insights_retention_days % 31 == 0 && var.performance_insights_retention_days >= 31 && var.performance_insights_retention_days <= 731)
    error_message = "The performance_insights_retention_days must be 7 or a multiple of 31 between 31 and 731."
  }
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds; 0 disables it."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "The monitoring_interval must be 0, 1, 5, 10, 15, 30 or 60."
  }
}

variable "database_name" {
  description = "Name of the initial database (ignored by a global secondary, which replicates the primary's)."
  type        = string
  default     = "ai_tools"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "The database_name must start with a letter and hold only lowercase letters, digits and underscores (at most 63)."
  }
}

variable "master_username" {
  description = "Master user name (applications connect with their own IAM-authenticated users)."
  type        = string
  default     = "ai_tools_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && !contains(["admin", "postgres", "rdsadmin"], var.master_username)
    error_message = "The master_username must be 1 to 16 lowercase letters, digits or underscores, start with a letter, and not be a reserved name."
  }
}

variable "global_cluster" {
  description = "Aurora Global Database role of this cluster: none; primary (creates the global cluster, in the primary region); or secondary (joins identifier, read-only, in another region)."
  type = object({
    role       = string
    identifier = optional(string)
  })
  default = { role = "none" }

  validation {
    condition     = contains(["none", "primary", "secondary"], var.global_cluster.role)
    error_message = "The global_cluster.role must be none, primary or secondary."
  }

  validation {
    condition     = var.global_cluster.role != "secondary" || try(length(var.global_cluster.identifier) > 0, false)
    error_message = "A secondary cluster needs the global_cluster.identifier of the primary's global cluster."
  }
}

variable "master_password_secret_arn" {
  description = "Secrets Manager secret (with no value of its own) into which a global primary writes the master password it generates at creation (RDS-managed master passwords are not supported in global databases). Null otherwise: RDS then manages and rotates the password in Secrets Manager."
  type        = string
  default     = null
}

variable "apply_immediately" {
  description = "Apply modifications immediately instead of in the maintenance window."
  type        = bool
  default     = false
}
