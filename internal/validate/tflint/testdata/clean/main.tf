terraform {
  required_version = ">= 1.6"
}

variable "name" {
  type        = string
  description = "Name of the thing."
}

resource "terraform_data" "x" {
  input = var.name
}

output "id" {
  description = "The thing's id."
  value       = terraform_data.x.id
}
