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

variable "name" {
  description = "Component name of the service (api, worker); its log group is /ecs/<service>-<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "The name must be 2 to 20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster (autoscaling resource ids use it)."
  type        = string
}

variable "capacity_provider" {
  description = "Capacity provider of the service's tasks: FARGATE_SPOT (dev) or FARGATE."
  type        = string

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT"], var.capacity_provider)
    error_message = "The capacity_provider must be FARGATE or FARGATE_SPOT."
  }
}

variable "vpc_id" {
  description = "VPC of the service's security group."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR block of the VPC (the tasks reach interface endpoints inside it over HTTPS)."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr_block))
    error_message = "The vpc_cidr_block must be an IPv4 CIDR block."
  }
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in (spread over availability zones)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "At least one subnet is required."
  }
}

variable "image_repository_url" {
  description = "ECR repository URL of the application image."
  type        = string
}

variable "image_repository_arn" {
  description = "ECR repository ARN of the application image (the execution role may pull from it only)."
  type        = string
}

variable "image_tag" {
  description = "Image tag to run (tags are immutable in ECR)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "The image_tag must be a valid, immutable tag (not latest)."
  }
}

variable "cpu" {
  description = "Task CPU units (Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384)."
  type        = number

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "The cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Task memory in MiB; must be a combination Fargate supports for the cpu."
  type        = number

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880 && var.memory % 512 == 0
    error_message = "The memory must be a multiple of 512 MiB between 512 and 122880."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "The cpu_architecture must be X86_64 or ARM64."
  }
}

variable "command" {
  description = "Container command override; null keeps the image's."
  type        = list(string)
  default     = null
}

variable "container_port" {
  description = "Port the container listens on; null for a service without inbound traffic (worker)."
  type        = number
  default     = null

  validation {
    condition     = var.container_port == null || try(var.container_port >= 1024 && var.container_port <= 65535, false)
    error_message = "The container_port must be null or an unprivileged port (1024-65535)."
  }
}

variable "load_balancer" {
  description = "Load balancer target group to register in (API); null for none. The module opens the load balancer's security group to the tasks on container_port."
  type = object({
    target_group_arn        = string
    target_group_arn_suffix = string
    alb_arn_suffix          = string
    security_group_id       = string
  })
  default = null
}

variable "desired_count" {
  description = "Initial number of tasks (autoscaling owns it afterwards)."
  type        = number

  validation {
    condition     = var.desired_count >= 0
    error_message = "The desired_count must not be negative."
  }
}

variable "min_capacity" {
  description = "Autoscaling minimum number of tasks."
  type        = number

  validation {
    condition     = var.min_capacity >= 1
    error_message = "The min_capacity must be at least 1."
  }
}

variable "max_capacity" {
  description = "Autoscaling maximum number of tasks."
  type        = number

  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity <= 100
    error_message = "The max_capacity must be between 1 and 100."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation autoscaling keeps the service at."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "The cpu_target_percent must be between 10 and 90."
  }
}

variable "requests_per_target" {
  description = "Load balancer requests per task per minute autoscaling keeps the service at; null disables request-based scaling (needs load_balancer)."
  type        = number
  default     = null

  validation {
    condition     = var.requests_per_target == null || try(var.requests_per_target >= 1, false)
    error_message = "The requests_per_target must be null or at least 1."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the scheduler ignores load balancer health checks after a task starts."
  type        = number
  default     = 60
}

variable "environment_variables" {
  description = "Plain environment variables of the application container. Never put secrets here: use secrets."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : !can(regex("(?i)(password|secret|token|private_key|api_key)", k))])
    error_message = "Environment variable names that look like credentials (password, secret, token, private_key, api_key) belong in secrets, not environment_variables."
  }
}

variable "secrets" {
  description = "Environment variables read from Secrets Manager at task start: NAME => secret ARN, or ARN:json-key:: for one key of a JSON secret."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.secrets) : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:", v))])
    error_message = "Every secrets value must be a Secrets Manager secret ARN (optionally followed by :json-key::)."
  }
}

variable "kms_key_arns" {
  description = "KMS keys the execution role may decrypt with (the keys of the secrets)."
  type        = list(string)
  default     = []
}

variable "logs_kms_key_arn" {
  description = "ARN of the KMS key encrypting the service's log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "The logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the service's log group, in days."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "xray_daemon_image" {
  description = "Image of the X-Ray daemon sidecar."
  type        = string
  default     = "public.ecr.aws/xray/aws-xray-daemon:3.x"
}

variable "s3_bucket_arns" {
  description = "Buckets the application may read and write objects in."
  type        = list(string)
  default     = []
}

variable "s3_kms_key_arn" {
  description = "KMS key of those buckets; null when there are none."
  type        = string
  default     = null
}

variable "database" {
  description = "Aurora cluster the service connects to with IAM authentication: the module opens the cluster's security group to the tasks and grants rds-db:connect for username. Null for none."
  type = object({
    security_group_id   = string
    port                = number
    cluster_resource_id = string
    username            = string
  })
  default = null
}

variable "cache" {
  description = "ElastiCache replication group the service connects to: the module opens its security group to the tasks. Null for none."
  type = object({
    security_group_id = string
    port              = number
  })
  default = null
}

variable "allow_internet_egress" {
  description = "Allow HTTPS to the internet through NAT (AWS APIs without endpoints, third-party model APIs)."
  type        = bool
  default     = true
}

variable "enable_execute_command" {
  description = "Allow ECS Exec into the tasks (audited to the cluster's exec log group)."
  type        = bool
  default     = false
}

variable "exec_log_group_arn" {
  description = "ARN of the cluster's ECS Exec audit log group; required when enable_execute_command is true."
  type        = string
  default     = null
}

variable "exec_kms_key_arn" {
  description = "ARN of the cluster's ECS Exec session key; required when enable_execute_command is true."
  type        = string
  default     = null
}
