# What each module and resource costs a month, as data. olechka's cost check evaluates
# these expressions for every unit; edit them when modules change.
#
# module "NAME" { match = [globs] ... }  prices a unit from its inputs. match is tested
#   against the unit's module folder name (the last element of terraform.source).
# resource "TYPE" { ... }                  prices one resource of a plan (terraform show -json).
#
# Each item has:
#   price    = a key of the price catalog (prices/*.json), e.g. "nat_gateway_hour"
#   quantity = how many of that key's unit a month (hours, GB, keys...)
#   note     = (optional) an assumption worth showing
# Expressions see:
#   inputs  the unit's inputs over its module's variable defaults (module blocks)
#   values  the resource's planned values (resource blocks)
#   task_definitions  the planned aws_ecs_task_definition values of the unit (resource blocks)
#   hours   hours in a month (730)
# and OpenTofu's usual functions (try, can, length, lookup, coalesce, max, min, ...).
# An item whose expressions fail is reported as unpriced, never guessed.

module "network" {
  match = ["network", "vpc", "networking", "vpc-*", "network-*"]

  # nat_gateway_mode (none | single | per_az) and az_count, as modules/network takes them.
  item "NAT gateways" {
    price = "nat_gateway_hour"
    quantity = hours * (
      try(inputs.nat_gateway_mode, "") == "none" ? 0 :
      try(inputs.nat_gateway_mode, "") == "single" ? 1 :
      try(inputs.nat_gateway_mode, "") == "per_az" ? inputs.az_count :
      try(inputs.enable_nat_gateway, true) == false ? 0 :
      try(inputs.single_nat_gateway, false) ? 1 :
      try(inputs.nat_gateway_count, inputs.az_count, length(inputs.azs), length(inputs.availability_zones), 1)
    )
  }
  item "NAT data processed" {
    price    = "nat_gateway_gb"
    quantity = try(inputs.nat_gateway_mode, "single") == "none" || try(inputs.enable_nat_gateway, true) == false ? 0 : try(inputs.expected_nat_gb_per_month, 50)
    note     = "traffic assumed (expected_nat_gb_per_month, default 50 GB)"
  }
  item "Interface endpoints" {
    price    = "vpc_endpoint_hour"
    quantity = try(length(inputs.interface_endpoints), 0) * try(inputs.az_count, length(inputs.azs), 2) * hours
  }
  item "VPC flow log ingestion" {
    price    = "cloudwatch_logs_ingest_gb"
    quantity = can(inputs.flow_log_retention_days) || try(inputs.enable_flow_logs, inputs.flow_logs_enabled, false) ? try(inputs.expected_flow_log_gb_per_month, 10) : 0
    note     = "flow log volume assumed (expected_flow_log_gb_per_month, default 10 GB)"
  }
}

module "alb" {
  match = ["alb", "lb", "load-balancer", "loadbalancer", "alb-*"]

  item "Application Load Balancer" {
    price    = "alb_hour"
    quantity = hours
  }
  item "ALB capacity units" {
    price    = "alb_lcu_hour"
    quantity = try(inputs.expected_lcu, 1) * hours
    note     = "load assumed (expected_lcu, default 1 LCU)"
  }
}

module "waf" {
  match = ["waf", "wafv2", "waf-*"]

  item "WAF web ACL" {
    price    = "waf_web_acl_month"
    quantity = 1
  }
  item "WAF rules" {
    price    = "waf_rule_month"
    quantity = try(length(inputs.managed_rule_groups), length(inputs.managed_rules), length(inputs.rules), 0) + (try(inputs.rate_limit, null) != null ? 1 : 0)
  }
  item "WAF requests" {
    price    = "waf_requests_million"
    quantity = try(inputs.expected_requests_million, 10)
    note     = "requests assumed (expected_requests_million, default 10 million)"
  }
}

module "ecs-service" {
  match = ["ecs-service", "ecs_service", "service", "fargate-service", "api", "worker"]

  # Running tasks: desired_count; capacity_provider FARGATE_SPOT (or spot_share) runs them
  # on Spot; cpu_architecture ARM64 uses the Graviton prices.
  item "Fargate vCPU (on-demand)" {
    price    = upper(try(inputs.cpu_architecture, "X86_64")) == "ARM64" ? "fargate_arm_vcpu_hour" : "fargate_vcpu_hour"
    quantity = try(inputs.desired_count, inputs.min_capacity, 1) * (1 - try(inputs.spot_share, inputs.capacity_provider == "FARGATE_SPOT" ? 1 : 0, 0)) * try(inputs.cpu, inputs.task_cpu) / 1024 * hours
  }
  item "Fargate memory (on-demand)" {
    price    = upper(try(inputs.cpu_architecture, "X86_64")) == "ARM64" ? "fargate_arm_gb_hour" : "fargate_gb_hour"
    quantity = try(inputs.desired_count, inputs.min_capacity, 1) * (1 - try(inputs.spot_share, inputs.capacity_provider == "FARGATE_SPOT" ? 1 : 0, 0)) * try(inputs.memory, inputs.task_memory) / 1024 * hours
  }
  item "Fargate Spot vCPU" {
    price    = "fargate_spot_vcpu_hour"
    quantity = try(inputs.desired_count, inputs.min_capacity, 1) * try(inputs.spot_share, inputs.capacity_provider == "FARGATE_SPOT" ? 1 : 0, 0) * try(inputs.cpu, inputs.task_cpu) / 1024 * hours
  }
  item "Fargate Spot memory" {
    price    = "fargate_spot_gb_hour"
    quantity = try(inputs.desired_count, inputs.min_capacity, 1) * try(inputs.spot_share, inputs.capacity_provider == "FARGATE_SPOT" ? 1 : 0, 0) * try(inputs.memory, inputs.task_memory) / 1024 * hours
  }
  item "Container log ingestion" {
    price    = "cloudwatch_logs_ingest_gb"
    quantity = try(inputs.expected_log_gb_per_month, 5)
    note     = "log volume assumed (expected_log_gb_per_month, default 5 GB)"
  }
}

module "ecr" {
  match = ["ecr", "ecr-*"]

  item "ECR storage" {
    price    = "ecr_storage_gb_month"
    quantity = try(length(inputs.repositories), 1) * try(inputs.expected_image_gb, 2)
    note     = "image storage assumed (expected_image_gb per repository, default 2 GB)"
  }
}

module "aurora" {
  match = ["aurora", "aurora-*", "rds", "rds-*", "database", "db", "postgres*"]

  item "Aurora instances" {
    price    = "aurora_postgresql.${inputs.instance_class}"
    quantity = try(inputs.instance_count, length(inputs.instances), 1) * hours
  }
  item "Aurora storage" {
    price    = "aurora_storage_gb_month"
    quantity = try(inputs.expected_storage_gb, 20)
    note     = "storage assumed (expected_storage_gb, default 20 GB)"
  }
  item "Aurora I/O" {
    price    = "aurora_io_million"
    quantity = try(inputs.expected_io_million, 10)
    note     = "I/O assumed (expected_io_million, default 10 million requests)"
  }
}

module "elasticache" {
  match = ["elasticache", "elasticache-*", "redis", "valkey", "cache"]

  item "ElastiCache nodes" {
    price    = "elasticache.${inputs.node_type}"
    quantity = try(inputs.num_cache_clusters, inputs.num_cache_nodes, (inputs.num_node_groups * (inputs.replicas_per_node_group + 1)), 1) * hours
  }
}

module "kms" {
  match = ["kms", "kms-*"]

  item "KMS keys" {
    price    = "kms_key_month"
    quantity = try(length(inputs.keys), length(inputs.key_names), length(inputs.aliases), 1) + try(length(inputs.replicas), 0)
  }
  item "KMS requests" {
    price    = "kms_requests_10k"
    quantity = try(inputs.expected_kms_requests_10k, 100)
    note     = "requests assumed (expected_kms_requests_10k, default 1 million)"
  }
}

module "secrets" {
  match = ["secrets", "secrets-manager", "secretsmanager", "secret", "secrets-*"]

  item "Secrets" {
    price    = "secret_month"
    quantity = try(length(inputs.secrets), length(inputs.secret_names), 1) * (1 + try(length(inputs.replica_regions), 0))
  }
}

module "monitoring" {
  match = ["observability", "monitoring", "cloudwatch", "alarms", "monitoring-*"]

  # modules/observability: two alarms per ECS service, ALB 5xx + p99 latency, unhealthy
  # hosts, API log errors, Aurora CPU + memory (+ replica lag with readers), two per cache.
  item "CloudWatch alarms" {
    price = "cloudwatch_alarm_month"
    quantity = try(length(inputs.alarms), inputs.alarm_count,
      2 * try(length(inputs.ecs_services), 0)
      + (try(inputs.alb_arn_suffix, "") != "" ? 2 : 0)
      + (try(inputs.alb_arn_suffix, "") != "" && try(inputs.api_target_group_arn_suffix, "") != "" ? 1 : 0)
      + (try(inputs.api_service_key, null) != null ? 1 : 0)
      + (try(inputs.aurora_cluster_identifier, "") != "" ? 2 + (try(inputs.aurora_instance_count, 1) > 1 ? 1 : 0) : 0)
      + 2 * try(length(inputs.elasticache_cluster_ids), 0)
    )
  }
  item "CloudWatch dashboards" {
    price    = "cloudwatch_dashboard_month"
    quantity = try(length(inputs.dashboards), inputs.dashboard_count, 3)
  }
  item "CloudWatch Logs ingestion" {
    price    = "cloudwatch_logs_ingest_gb"
    quantity = try(inputs.expected_log_gb_per_month, 5)
    note     = "log volume assumed (expected_log_gb_per_month, default 5 GB)"
  }
  item "CloudWatch Logs storage" {
    price    = "cloudwatch_logs_storage_gb_month"
    quantity = try(inputs.expected_log_gb_per_month, 5) * try(inputs.log_retention_days, 30) / 30
    note     = "stored volume = monthly ingestion x retention months"
  }
  item "X-Ray traces" {
    price    = "xray_traces_million"
    quantity = try(inputs.xray_sampling, null) != null || try(inputs.enable_xray, inputs.xray_enabled, false) ? try(inputs.expected_traces_million, 1) : 0
    note     = "traces assumed (expected_traces_million, default 1 million)"
  }
}

module "s3" {
  match = ["s3", "s3-*", "bucket", "buckets", "storage"]

  item "S3 Standard storage" {
    price    = "s3_standard_gb_month"
    quantity = try(length(inputs.buckets), 1) * try(inputs.expected_storage_gb, 50)
    note     = "storage assumed (expected_storage_gb per bucket, default 50 GB)"
  }
}

# Plan resources.
resource "aws_nat_gateway" {
  item "NAT gateway" {
    price    = "nat_gateway_hour"
    quantity = hours
  }
}

resource "aws_lb" {
  item "Load balancer" {
    price    = "alb_hour"
    quantity = try(values.load_balancer_type, "application") == "application" ? hours : 0
  }
}

resource "aws_rds_cluster_instance" {
  item "Aurora instance" {
    price    = "aurora_postgresql.${values.instance_class}"
    quantity = hours
  }
}

resource "aws_elasticache_replication_group" {
  item "ElastiCache nodes" {
    price    = "elasticache.${values.node_type}"
    quantity = try(values.num_cache_clusters, values.num_node_groups * (values.replicas_per_node_group + 1), 1) * hours
  }
}

resource "aws_elasticache_cluster" {
  item "ElastiCache nodes" {
    price    = "elasticache.${values.node_type}"
    quantity = try(values.num_cache_nodes, 1) * hours
  }
}

resource "aws_ecs_service" {
  item "Fargate vCPU" {
    price    = "fargate_vcpu_hour"
    quantity = try(values.desired_count, 1) * tonumber(task_definitions[0].cpu) / 1024 * hours
  }
  item "Fargate memory" {
    price    = "fargate_gb_hour"
    quantity = try(values.desired_count, 1) * tonumber(task_definitions[0].memory) / 1024 * hours
  }
}

resource "aws_vpc_endpoint" {
  item "Interface endpoint" {
    price    = "vpc_endpoint_hour"
    quantity = try(values.vpc_endpoint_type, "Interface") == "Interface" ? max(try(length(values.subnet_ids), 1), 1) * hours : 0
  }
}

resource "aws_kms_key" {
  item "KMS key" {
    price    = "kms_key_month"
    quantity = 1
  }
}

resource "aws_secretsmanager_secret" {
  item "Secret" {
    price    = "secret_month"
    quantity = 1
  }
}

resource "aws_wafv2_web_acl" {
  item "WAF web ACL" {
    price    = "waf_web_acl_month"
    quantity = 1
  }
  item "WAF rules" {
    price    = "waf_rule_month"
    quantity = try(length(values.rule), 0)
  }
}

resource "aws_cloudwatch_metric_alarm" {
  item "CloudWatch alarm" {
    price    = "cloudwatch_alarm_month"
    quantity = 1
  }
}

resource "aws_cloudwatch_dashboard" {
  item "CloudWatch dashboard" {
    price    = "cloudwatch_dashboard_month"
    quantity = 1
  }
}
