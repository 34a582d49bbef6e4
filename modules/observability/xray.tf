# X-Ray: a sampling rule and a group (with insights) per service. Services find their
# traces by the X-Ray service name <service>-<key> (the daemon sidecar of each task).

locals {
  xray_defaults = { fixed_rate = 0.05, reservoir_size = 1 }
  # OpenTofu's lookup() wants a default of the map's element type, so an absent key is
  # handled with a conditional instead of lookup(var.xray_sampling, k, {}).
  xray = { for k, v in var.ecs_services : k => contains(keys(var.xray_sampling), k) ? var.xray_sampling[k] : local.xray_defaults }
}

resource "aws_xray_sampling_rule" "service" {
  for_each = local.xray

  # Rule names are at most 32 characters.
  rule_name      = substr("${var.environment}-${each.key}", 0, 32)
  priority       = 100 + index(sort(keys(local.xray)), each.key)
  version        = 1
  reservoir_size = each.value.reservoir_size
  fixed_rate     = each.value.fixed_rate
  service_name   = "${var.service}-${each.key}"
  service_type   = "*"
  host           = "*"
  http_method    = "*"
  url_path       = "*"
  resource_arn   = "*"

  tags = local.tags
}

resource "aws_xray_group" "service" {
  for_each = var.ecs_services

  group_name        = "${local.name}-${each.key}"
  filter_expression = "service(\"${var.service}-${each.key}\")"

  insights_configuration {
    insights_enabled      = true
    notifications_enabled = false
  }

  tags = local.tags
}
