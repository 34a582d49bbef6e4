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

variable "github_repository" {
  description = "The repository whose workflows may assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "The github_repository must be owner/name."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (an account has at most one per URL); false uses oidc_provider_arn."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com provider, when create_oidc_provider is false."
  type        = string
  default     = ""

  validation {
    condition     = var.oidc_provider_arn == "" || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "The oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider."
  }
}

variable "plan_role_name" {
  description = "Name of the read-only role pull request plans assume (olechka review expects github-actions-plan)."
  type        = string
  default     = "github-actions-plan"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.plan_role_name))
    error_message = "The plan_role_name must be a valid IAM role name (1 to 64 characters)."
  }
}

variable "apply_role_name" {
  description = "Name of the role the apply job assumes (olechka review expects github-actions-apply)."
  type        = string
  default     = "github-actions-apply"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.apply_role_name))
    error_message = "The apply_role_name must be a valid IAM role name (1 to 64 characters)."
  }
}

variable "plan_subjects" {
  description = "Token sub claims (StringLike patterns) allowed to assume the plan role: pull requests of the repository, e.g. repo:owner/name:pull_request."
  type        = list(string)

  validation {
    condition     = length(var.plan_subjects) > 0 && alltrue([for s in var.plan_subjects : startswith(s, "repo:") && !strcontains(s, "repo:*")])
    error_message = "The plan_subjects must be non-empty and each start with repo:<owner>/<name> (no wildcard repository)."
  }
}

variable "apply_subjects" {
  description = "Token sub claims (exact, StringEquals) allowed to assume the apply role: the main branch in the tier's GitHub environment(s), e.g. repo:owner/name:environment:production:ref:refs/heads/main."
  type        = list(string)

  validation {
    condition     = length(var.apply_subjects) > 0 && alltrue([for s in var.apply_subjects : startswith(s, "repo:") && !strcontains(s, "*") && !strcontains(s, "?")])
    error_message = "The apply_subjects must be non-empty exact subjects starting with repo: (no wildcards)."
  }
}

variable "state_bucket_names" {
  description = "State buckets both roles use (terraform-state-<account>-<state_region>); the lock table and state key are looked for in aws_region, the state region, where this module is applied."
  type        = list(string)

  validation {
    condition     = length(var.state_bucket_names) > 0
    error_message = "Name at least one state bucket."
  }
}

variable "state_kms_key_alias" {
  description = "Alias of the KMS key that encrypts state: the only key the plan role may decrypt with."
  type        = string
  default     = "alias/terraform-state"

  validation {
    condition     = can(regex("^alias/[A-Za-z0-9/_-]+$", var.state_kms_key_alias)) && !startswith(var.state_kms_key_alias, "alias/aws/")
    error_message = "The state_kms_key_alias must be a customer alias such as alias/terraform-state (not an AWS-managed alias/aws/...)."
  }
}

variable "lock_table_name" {
  description = "DynamoDB lock table both roles lock state with."
  type        = string
  default     = "terraform-locks"
}

variable "managed_name_prefix" {
  description = "Prefix of the IAM roles and policies the platform's modules create (<service>-); the apply role may manage only those."
  type        = string
  default     = "ai-tools-"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{2,40}$", var.managed_name_prefix))
    error_message = "The managed_name_prefix must be 2 to 40 IAM name characters."
  }
}

variable "apply_services" {
  description = "AWS service prefixes the apply role may act on (the services the platform's modules manage). IAM is handled separately and limited to managed_name_prefix."
  type        = list(string)
  default = [
    "acm", "application-autoscaling", "cloudwatch", "dynamodb", "ec2", "ecr", "ecs", "elasticache",
    "elasticloadbalancing", "kms", "lambda", "logs", "rds", "route53", "s3", "secretsmanager", "sns",
    "sqs", "wafv2", "xray", "servicediscovery",
  ]

  validation {
    condition     = alltrue([for s in var.apply_services : can(regex("^[a-z0-9-]+$", s)) && !contains(["iam", "sts", "organizations", "account"], s)])
    error_message = "The apply_services must be service prefixes such as ec2; iam, sts, organizations and account are not allowed here."
  }
}

variable "max_session_duration" {
  description = "Longest session (seconds) a workflow may hold either role."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 900 && var.max_session_duration <= 43200
    error_message = "The max_session_duration must be between 900 and 43200 seconds."
  }
}
