output "service_id" {
  description = "Id of the service."
  value       = terraform_data.service.id
}

output "endpoint" {
  description = "URL the service answers on."
  value       = "https://${var.name}.${var.environment}.${var.aws_region}.example.internal"
}

output "image_tag" {
  description = "Deployed image tag."
  value       = var.image_tag
}
