locals {
  name        = "${var.service}-${var.environment}-${var.name}"
  tags        = merge(var.tags, { tier = var.tier, component = var.name })
  region_code = "${split("-", var.aws_region)[0]}${substr(split("-", var.aws_region)[1], 0, 1)}${split("-", var.aws_region)[2]}"
  # IAM names are global to the account; an environment may span two regions.
  iam_prefix = "${var.service}-${var.environment}-${local.region_code}-${var.name}"

  log_group_name = "/ecs/${var.service}-${var.name}"

  # Secret ARNs without the :json-key:: suffix, for IAM.
  secret_arns = distinct([for v in values(var.secrets) : regex("^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^:]+)", v)[0]])

  environment = merge(var.environment_variables, {
    AWS_XRAY_DAEMON_ADDRESS = "127.0.0.1:2000"
    AWS_REGION              = var.aws_region
    SERVICE_ENVIRONMENT     = var.environment
  })

  app_container = merge(
    {
      name                   = var.name
      image                  = "${var.image_repository_url}:${var.image_tag}"
      essential              = true
      readonlyRootFilesystem = true
      environment            = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
      secrets                = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]
      portMappings           = var.container_port == null ? [] : [{ name = "http", containerPort = var.container_port, protocol = "tcp" }]
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      linuxParameters        = { initProcessEnabled = true }
      dependsOn              = [{ containerName = "xray-daemon", condition = "START" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = var.aws_region
          awslogs-stream-prefix = var.name
        }
      }
    },
    var.command == null ? {} : { command = var.command },
  )

  xray_container = {
    name                   = "xray-daemon"
    image                  = var.xray_daemon_image
    essential              = false
    readonlyRootFilesystem = true
    cpu                    = 32
    memoryReservation      = 64
    portMappings           = [{ containerPort = 2000, protocol = "udp" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "xray"
      }
    }
  }

  fargate_memory = {
    256   = [512, 1024, 2048]
    512   = [for m in range(1024, 4097, 1024) : m]
    1024  = [for m in range(2048, 8193, 1024) : m]
    2048  = [for m in range(4096, 16385, 1024) : m]
    4096  = [for m in range(8192, 30721, 1024) : m]
    8192  = [for m in range(16384, 61441, 4096) : m]
    16384 = [for m in range(32768, 122881, 8192) : m]
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = local.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.app_container, local.xray_container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = contains(local.fargate_memory[tostring(var.cpu)], var.memory)
      error_message = "Fargate does not offer ${var.memory} MiB with ${var.cpu} CPU units; valid memory sizes are ${join(", ", [for m in local.fargate_memory[tostring(var.cpu)] : tostring(m)])}."
    }
  }
}

resource "aws_ecs_service" "this" {
  name                               = var.name
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  health_check_grace_period_seconds  = var.load_balancer == null ? null : var.health_check_grace_period_seconds

  capacity_provider_strategy {
    capacity_provider = var.capacity_provider
    weight            = 1
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = var.load_balancer == null ? [] : [var.load_balancer]

    content {
      target_group_arn = load_balancer.value.target_group_arn
      container_name   = var.name
      container_port   = var.container_port
    }
  }

  tags = merge(local.tags, { Name = local.name })

  lifecycle {
    # Autoscaling owns the task count once the service runs.
    ignore_changes = [desired_count]

    precondition {
      condition     = var.load_balancer == null || var.container_port != null
      error_message = "A service behind a load balancer needs a container_port."
    }

    precondition {
      condition     = !var.enable_execute_command || (var.exec_log_group_arn != null && var.exec_kms_key_arn != null)
      error_message = "enable_execute_command needs the cluster's exec_log_group_arn and exec_kms_key_arn."
    }
  }
}
