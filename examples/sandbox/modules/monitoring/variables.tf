variable "name" {
  description = "Name prefix of the alarms."
  type        = string
}

variable "environment" {
  description = "Environment the alarms watch."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be dev, staging or production."
  }
}

variable "service_endpoint" {
  description = "Endpoint of the service the alarms watch."
  type        = string
}

variable "alarm_names" {
  description = "Alarms to create."
  type        = set(string)
  default     = []
}

variable "tags" {
  description = "Tags every resource carries (in AWS: default_tags and resource tags)."
  type        = map(string)
  default     = {}
}
