resource "aws_security_group" "this" {
  name        = local.name
  description = "ECS tasks of ${local.name}"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = local.name })
}

# Inbound: only from the load balancer, only on the container port.
resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  count = var.load_balancer == null ? 0 : 1

  security_group_id            = aws_security_group.this.id
  description                  = "From the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.load_balancer.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  count = var.load_balancer == null ? 0 : 1

  security_group_id            = var.load_balancer.security_group_id
  description                  = "To ${local.name} tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.this.id
}

# Outbound: the database and the cache on their ports (and their security groups accept
# the tasks), HTTPS to AWS APIs and, where allowed, third-party APIs through NAT.
resource "aws_vpc_security_group_egress_rule" "database" {
  count = var.database == null ? 0 : 1

  security_group_id            = aws_security_group.this.id
  description                  = "To Aurora"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = var.database.security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "database" {
  count = var.database == null ? 0 : 1

  security_group_id            = var.database.security_group_id
  description                  = "From ${local.name} tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.database.port
  to_port                      = var.database.port
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_egress_rule" "cache" {
  count = var.cache == null ? 0 : 1

  security_group_id            = aws_security_group.this.id
  description                  = "To ElastiCache"
  ip_protocol                  = "tcp"
  from_port                    = var.cache.port
  to_port                      = var.cache.port
  referenced_security_group_id = var.cache.security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "cache" {
  count = var.cache == null ? 0 : 1

  security_group_id            = var.cache.security_group_id
  description                  = "From ${local.name} tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.cache.port
  to_port                      = var.cache.port
  referenced_security_group_id = aws_security_group.this.id
}

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
