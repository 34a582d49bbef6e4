# Stand-ins for CloudWatch alarms on the service, one terraform_data per alarm.
resource "terraform_data" "alarm" {
  for_each = var.alarm_names

  input = {
    tags     = var.tags
    name     = "${var.name}-${var.environment}-${each.key}"
    endpoint = var.service_endpoint
  }
}
