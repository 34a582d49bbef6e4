resource "aws_security_group" "this" {
  name        = local.name
  description = "ECS tasks of ${local.name}"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = local.name })
}

# The connections inside the VPC, by peer: the load balancer reaches the tasks on the
# container port, the tasks reach the database and the cache on their ports. Each is an
# egress rule on the sender's security group and an ingress rule on the receiver's (so
# the peers' modules need not know their clients); a null peer has none.
locals {
  connections = {
    for k, c in {
      load_balancer = {
        enabled             = var.load_balancer != null
        from                = try(var.load_balancer.security_group_id, null)
        to                  = aws_security_group.this.id
        port                = var.container_port
        egress_description  = "To ${local.name} tasks"
        ingress_description = "From the load balancer"
      }
      database = {
        enabled             = var.database != null
        from                = aws_security_group.this.id
        to                  = try(var.database.security_group_id, null)
        port                = try(var.database.port, null)
        egress_description  = "To Aurora"
        ingress_description = "From ${local.name} tasks"
      }
      cache = {
        enabled             = var.cache != null
        from                = aws_security_group.this.id
        to                  = try(var.cache.security_group_id, null)
        port                = try(var.cache.port, null)
        egress_description  = "To ElastiCache"
        ingress_description = "From ${local.name} tasks"
      }
    } : k => c if c.enabled
  }
}

resource "aws_vpc_security_group_egress_rule" "connection" {
  for_each = local.connections

  security_group_id            = each.value.from
  description                  = each.value.egress_description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.to
}

resource "aws_vpc_security_group_ingress_rule" "connection" {
  for_each = local.connections

  security_group_id            = each.value.to
  description                  = each.value.ingress_description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.from
}

# Outbound besides: HTTPS to AWS APIs and, where allowed, third-party APIs through NAT.
resource "aws_vpc_security_group_egress_rule" "vpc_https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to interface VPC endpoints (ECR, Logs, Secrets Manager)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

data "aws_prefix_list" "s3" {
  name = "com.amazonaws.${var.aws_region}.s3"
}

resource "aws_vpc_security_group_egress_rule" "s3" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to S3 through the gateway endpoint (image layers, buckets)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = data.aws_prefix_list.s3.id
}

#trivy:ignore:AVD-AWS-0104 Outbound HTTPS through NAT is needed for third-party model APIs and AWS APIs without endpoints (X-Ray); only port 443, only when allow_internet_egress.
resource "aws_vpc_security_group_egress_rule" "internet_https" {
  count = var.allow_internet_egress ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the internet through NAT"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# Addresses of the connection rules before they became for_each instances: an existing
# state moves instead of replacing the rules.
moved {
  from = aws_vpc_security_group_ingress_rule.from_alb[0]
  to   = aws_vpc_security_group_ingress_rule.connection["load_balancer"]
}

moved {
  from = aws_vpc_security_group_egress_rule.alb_to_tasks[0]
  to   = aws_vpc_security_group_egress_rule.connection["load_balancer"]
}

moved {
  from = aws_vpc_security_group_egress_rule.database[0]
  to   = aws_vpc_security_group_egress_rule.connection["database"]
}

moved {
  from = aws_vpc_security_group_ingress_rule.database[0]
  to   = aws_vpc_security_group_ingress_rule.connection["database"]
}

moved {
  from = aws_vpc_security_group_egress_rule.cache[0]
  to   = aws_vpc_security_group_egress_rule.connection["cache"]
}

moved {
  from = aws_vpc_security_group_ingress_rule.cache[0]
  to   = aws_vpc_security_group_ingress_rule.connection["cache"]
}
