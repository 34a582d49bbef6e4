variable "name" {
  description = "Name of the service."
  type        = string
}

variable "environment" {
  description = "Environment the service runs in."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be dev, staging or production."
  }
}

variable "aws_region" {
  description = "Region the service runs in."
  type        = string
}

variable "vpc_id" {
  description = "VPC the service runs in."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets the service's tasks are placed in."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must not be empty."
  }
}

variable "bucket_name" {
  description = "Bucket the service reads and writes."
  type        = string
}

variable "image_tag" {
  description = "Container image tag to deploy."
  type        = string
}

variable "desired_count" {
  description = "Number of tasks."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= 1 && var.desired_count <= 10
    error_message = "desired_count must be between 1 and 10."
  }
}

variable "rollout_duration" {
  description = "How long a deployment takes (a time_sleep), e.g. \"30s\"; \"0s\" for none."
  type        = string
  default     = "0s"

  validation {
    condition     = can(regex("^[0-9]+(s|m)$", var.rollout_duration))
    error_message = "rollout_duration must look like 30s or 2m."
  }
}

variable "fail_plan" {
  description = "When not empty, planning fails with this message (to exercise failure handling)."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags every resource carries (in AWS: default_tags and resource tags)."
  type        = map(string)
  default     = {}
}
