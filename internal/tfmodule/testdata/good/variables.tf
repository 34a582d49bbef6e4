variable "name" {
  description = "Name prefix."
  type        = string
}

variable "cidr" {
  type    = string
  default = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.cidr)) && tonumber(split("/", var.cidr)[1]) <= 24
    error_message = "cidr must be an IPv4 CIDR block of /24 or larger."
  }
}

variable "retention_days" {
  type    = number
  default = 7

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30], var.retention_days)
    error_message = "retention_days must be one of 1, 3, 5, 7, 14, 30."
  }
}

variable "settings" {
  type = object({
    size = optional(number, 2)
    tier = string
  })
  default = { tier = "dev" }

  validation {
    condition     = contains(["dev", "staging", "production"], var.settings.tier)
    error_message = "settings.tier must be dev, staging or production."
  }
}

variable "password" {
  type      = string
  sensitive = true
  nullable  = false
  default   = "x"
}

variable "anything" {
  default = null
}
