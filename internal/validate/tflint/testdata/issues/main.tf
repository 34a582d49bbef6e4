terraform {
  required_version = ">= 1.6"
}

variable "untyped" {}

variable "name" {
  type        = string
  description = "Name."
}

locals {
  unused = 1
}

resource "terraform_data" "x" {
  input = "${var.name}"
}
