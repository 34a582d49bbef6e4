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
  description = "VPC of the replication group's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the cache nodes (the database subnets)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "At least one subnet is required."
  }
}

variable "engine" {
  description = "Cache engine: valkey or redis (Redis OSS)."
  type        = string
  default     = "valkey"

  validation {
    condition     = contains(["valkey", "redis"], var.engine)
    error_message = "The engine must be valkey or redis."
  }
}

variable "engine_version" {
  description = "Engine version (major.minor), e.g. 8.0 for Valkey or 7.1 for Redis OSS."
  type        = string
  default     = "8.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.engine_version))
    error_message = "The engine_version must be major.minor, e.g. 8.0."
  }
}

variable "node_type" {
  description = "Cache node type, e.g. cache.t4g.micro (dev) or cache.r7g.large."
  type        = string

  validation {
    condition     = can(regex("^cache\\.(t3|t4g|m5|m6g|m7g|r5|r6g|r6gd|r7g|c7gn)\\.(micro|small|medium|large|xlarge|[0-9]+xlarge)$", var.node_type))
    error_message = "The node_type must be an ElastiCache node type such as cache.t4g.micro or cache.r7g.large."
  }
}

variable "num_cache_clusters" {
  description = "Number of nodes: 1 primary plus replicas (dev 1; staging and production at least 2, spread over zones)."
  type        = number

  validation {
    condition     = var.num_cache_clusters >= 1 && var.num_cache_clusters <= 6 && floor(var.num_cache_clusters) == var.num_cache_clusters
    error_message = "The num_cache_clusters must be a whole number from 1 to 6."
  }
}

variable "multi_az" {
  description = "Multi-AZ with automatic failover (staging and production). Needs at least 2 nodes."
  type        = bool
}

variable "snapshot_retention_days" {
  description = "Days automatic snapshots are kept (0 disables them)."
  type        = number

  validation {
    condition     = var.snapshot_retention_days >= 0 && var.snapshot_retention_days <= 35
    error_message = "The snapshot_retention_days must be between 0 and 35."
  }
}

variable "snapshot_window" {
  description = "Daily UTC window for snapshots (hh24:mi-hh24:mi)."
  type        = string
  default     = "03:00-04:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.snapshot_window))
    error_message = "The snapshot_window must look like 03:00-04:00."
  }
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:05:00-sun:06:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "The maintenance_window must look like sun:05:00-sun:06:00."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key encrypting data at rest and snapshots."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN."
  }
}

variable "auth_token_secret_arn" {
  description = "Secrets Manager secret (with no value of its own) into which the module writes the AUTH token it generates at creation; clients read the token there."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:", var.auth_token_secret_arn))
    error_message = "The auth_token_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "ARN of the KMS key encrypting the slow log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "The logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the slow log group, in days."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "apply_immediately" {
  description = "Apply modifications immediately instead of in the maintenance window."
  type        = bool
  default     = false
}
