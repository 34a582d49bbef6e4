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
  description = "Customer-managed key for the alarm topic, the webhook secret, the dead-letter queue and the forwarder's environment (the platform's monitoring key; its policy must let cloudwatch.amazonaws.com use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer-managed key for the log groups this module creates (the platform's logs key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.logs_kms_key_arn))
    error_message = "The logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the log groups this module creates (the forwarder's), by tier."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "alarm_email_recipients" {
  description = "Email addresses subscribed to the alarm topic (each confirms the subscription by mail)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_email_recipients : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Every alarm_email_recipients entry must be an email address."
  }
}

variable "thresholds" {
  description = "Alarm thresholds (from env.hcl's monitoring object). Percentages are 0-100; latency in seconds; memory in bytes; replica lag in milliseconds; counts per period."
  type = object({
    cpu_percent                  = optional(number, 75)
    memory_percent               = optional(number, 80)
    error_rate_percent           = optional(number, 2)
    latency_p99_seconds          = optional(number, 1)
    unhealthy_hosts              = optional(number, 0)
    log_errors                   = optional(number, 10)
    aurora_cpu_percent           = optional(number, 80)
    aurora_freeable_memory_bytes = optional(number, 268435456)
    aurora_replica_lag_ms        = optional(number, 1000)
    elasticache_cpu_percent      = optional(number, 75)
    elasticache_evictions        = optional(number, 100)
  })
  default = {}

  validation {
    condition = alltrue([
      for v in [var.thresholds.cpu_percent, var.thresholds.memory_percent, var.thresholds.error_rate_percent, var.thresholds.aurora_cpu_percent, var.thresholds.elasticache_cpu_percent] : v > 0 && v <= 100
    ])
    error_message = "Percentage thresholds (cpu, memory, error rate, aurora and elasticache cpu) must be in (0, 100]."
  }

  validation {
    condition     = var.thresholds.latency_p99_seconds > 0 && var.thresholds.unhealthy_hosts >= 0 && var.thresholds.log_errors >= 0 && var.thresholds.aurora_freeable_memory_bytes > 0 && var.thresholds.aurora_replica_lag_ms > 0 && var.thresholds.elasticache_evictions >= 0
    error_message = "Latency, memory and lag thresholds must be positive; counts must not be negative."
  }
}

variable "alarm_period_seconds" {
  description = "Period of the metric alarms."
  type        = number
  default     = 60

  validation {
    condition     = contains([10, 30, 60, 120, 300, 900, 3600], var.alarm_period_seconds)
    error_message = "The alarm_period_seconds must be 10, 30 or a multiple of 60 (60, 120, 300, 900, 3600)."
  }
}

variable "alarm_evaluation_periods" {
  description = "Periods an alarm evaluates; datapoints_to_alarm is alarm_datapoints_to_alarm of them."
  type        = number
  default     = 3

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && var.alarm_evaluation_periods <= 30
    error_message = "The alarm_evaluation_periods must be between 1 and 30."
  }
}

variable "alarm_datapoints_to_alarm" {
  description = "Breaching datapoints (of alarm_evaluation_periods) that put an alarm in ALARM."
  type        = number
  default     = 3

  validation {
    condition     = var.alarm_datapoints_to_alarm >= 1 && var.alarm_datapoints_to_alarm <= 30
    error_message = "The alarm_datapoints_to_alarm must be between 1 and 30 (and not above alarm_evaluation_periods)."
  }
}

variable "notify_insufficient_data" {
  description = "Also notify when an alarm goes to INSUFFICIENT_DATA (a metric stopped reporting)."
  type        = bool
  default     = false
}

variable "ecs_cluster_name" {
  description = "ECS cluster running the services."
  type        = string
}

variable "ecs_services" {
  description = "ECS services to watch, by role (api, worker): service name and the log group of its containers."
  type = map(object({
    service_name   = string
    log_group_name = string
  }))

  validation {
    condition     = length(var.ecs_services) > 0 && alltrue([for k in keys(var.ecs_services) : can(regex("^[a-z][a-z0-9-]{1,20}$", k))])
    error_message = "Name at least one service; keys are 2 to 21 lowercase letters, digits or hyphens."
  }
}

variable "api_service_key" {
  description = "Key of ecs_services whose logs the error metric filter reads and whose traces the developer dashboard shows."
  type        = string
  default     = "api"
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (app/<name>/<id>), for ALB metrics; empty skips the ALB alarms."
  type        = string
  default     = ""
}

variable "api_target_group_arn_suffix" {
  description = "ARN suffix of the API target group (targetgroup/<name>/<id>), for health and latency metrics."
  type        = string
  default     = ""
}

variable "aurora_cluster_identifier" {
  description = "Aurora cluster to watch; empty skips the Aurora alarms."
  type        = string
  default     = ""
}

variable "aurora_instance_count" {
  description = "Instances in the Aurora cluster; the replica lag alarm exists only with replicas (more than one)."
  type        = number
  default     = 1
}

variable "elasticache_cluster_ids" {
  description = "ElastiCache node cluster ids (the replication group's member clusters, <group>-001...) to watch; empty skips the ElastiCache alarms."
  type        = list(string)
  default     = []
}

variable "error_log_pattern" {
  description = "CloudWatch Logs filter pattern that counts an API log event as an error."
  type        = string
  default     = "?ERROR ?Error ?error ?FATAL ?panic"
}

variable "xray_sampling" {
  description = "X-Ray sampling per service key: fixed_rate (0-1) after reservoir_size traces per second."
  type = map(object({
    fixed_rate     = number
    reservoir_size = number
  }))
  default = {}

  validation {
    condition     = alltrue([for s in values(var.xray_sampling) : s.fixed_rate >= 0 && s.fixed_rate <= 1 && s.reservoir_size >= 0])
    error_message = "X-Ray fixed_rate must be between 0 and 1 and reservoir_size must not be negative."
  }
}

variable "slack_enabled" {
  description = "Route alarms to Slack through the alarm forwarder Lambda."
  type        = bool
  default     = true
}

variable "forwarder_package_path" {
  description = "Path of the alarm forwarder's deployment zip (built by `go run ./cmd/alarm-forwarder/package`); needed when slack_enabled."
  type        = string
  default     = ""

  validation {
    condition     = var.forwarder_package_path == "" || endswith(var.forwarder_package_path, ".zip")
    error_message = "The forwarder_package_path must name a .zip file."
  }
}

variable "forwarder_source_hash" {
  description = "Digest of the forwarder's Go sources, kept as a tag on the function so a source change shows in the plan (the zip's own hash decides the code update)."
  type        = string
  default     = ""

  validation {
    condition     = var.forwarder_source_hash == "" || can(regex("^[0-9a-f]{64}$", var.forwarder_source_hash))
    error_message = "The forwarder_source_hash must be a hex SHA-256."
  }
}

variable "slack_webhook_secret_arn" {
  description = "Existing Secrets Manager secret holding the Slack webhook URL; empty creates <service>/<environment>/slack-alarm-webhook (its value is set by hand, see docs/observability.md)."
  type        = string
  default     = ""
}

variable "forwarder_log_level" {
  description = "Log level of the forwarder (debug, info, warn, error)."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.forwarder_log_level)
    error_message = "The forwarder_log_level must be debug, info, warn or error."
  }
}
