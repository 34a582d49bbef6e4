# A module shaped like the platform's: every argument and block below exists in the
# aws provider 6.66.0 schema, so the check must report nothing.
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Service = "ai-tools" }
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

variable "region" {
  type = string
}

variable "subnets" {
  type = map(string)
}

variable "ingress" {
  type = list(object({ port = number, cidr = string }))
}

locals {
  name = "ai-tools"
}

data "aws_availability_zones" "this" {
  state = "available"
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
  filter {
    name   = "name"
    values = ["al2023-ami-*"]
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_vpc" "this" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = local.name }
}

resource "aws_subnet" "private" {
  for_each          = var.subnets
  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = each.key
}

resource "aws_security_group" "alb" {
  name   = "${local.name}-alb"
  vpc_id = aws_vpc.this.id

  # attributes-as-blocks: block syntax ...
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  dynamic "ingress" {
    for_each = var.ingress
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "db" {
  name   = "${local.name}-db"
  vpc_id = aws_vpc.this.id
  # ... and attribute syntax
  egress = [{
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["10.0.0.0/16"]
    description      = "vpc"
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    security_groups  = []
    self             = false
  }]
}

resource "aws_kms_key" "this" {
  description             = "ai-tools data"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_s3_bucket" "this" {
  bucket = "ai-tools-data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_lb" "this" {
  name               = local.name
  load_balancer_type = "application"
  subnets            = values(aws_subnet.private)[*].id
  security_groups    = [aws_security_group.alb.id]
}

resource "aws_lb_target_group" "api" {
  name        = "${local.name}-api"
  port        = 8080
  protocol    = "HTTP"
  vpc_id      = aws_vpc.this.id
  target_type = "ip"
  health_check {
    path    = "/healthz"
    matcher = "200"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  # a required block may come from a dynamic block
  dynamic "default_action" {
    for_each = [1]
    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.api.arn
    }
  }
}

resource "aws_rds_cluster" "this" {
  count                           = 1
  cluster_identifier              = local.name
  engine                          = "aurora-postgresql"
  storage_encrypted               = true
  kms_key_id                      = aws_kms_key.this.arn
  deletion_protection             = true
  backup_retention_period         = 7
  manage_master_user_password     = true
  master_username                 = "app"
  enabled_cloudwatch_logs_exports = ["postgresql"]
  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 4
  }
  timeouts {
    create = "60m"
  }
  depends_on = [aws_security_group.db]
}

resource "aws_s3tables_table_bucket" "this" {
  name = "ai-tools"
  # a nested attribute (plugin framework) is written as an object
  encryption_configuration = {
    sse_algorithm = "aws:kms"
    kms_key_arn   = aws_kms_key.this.arn
  }
}

resource "aws_wafv2_web_acl" "this" {
  provider = aws.us_east_1
  name     = local.name
  scope    = "CLOUDFRONT"
  default_action {
    allow {}
  }
  rule {
    name     = "common"
    priority = 1
    override_action {
      none {}
    }
    # deep statements are opaque ("any") in the bindings: not checked
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "common"
      sampled_requests_enabled   = true
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = local.name
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_rule" "rate" {
  name        = "rate"
  priority    = 2
  web_acl_arn = aws_wafv2_web_acl.this.arn
  action {
    block {}
  }
  statement {
    and_statement {
      statement {
        rate_based_statement {
          limit              = 1000
          aggregate_key_type = "IP"
        }
      }
      statement {
        geo_match_statement {
          country_codes = ["NL"]
        }
      }
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "rate"
    sampled_requests_enabled   = true
  }
}

# other providers' resources are not this check's business
resource "terraform_data" "marker" {
  input = local.name
}

resource "random_password" "x" {
  length = 16
}

output "vpc_id" {
  value = aws_vpc.this.id
}
