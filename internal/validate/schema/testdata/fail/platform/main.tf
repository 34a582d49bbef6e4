# Every line marked "want:" must get exactly that finding, and nothing else may be reported.
resource "aws_instance" "web" {
  ami          = "ami-123"
  instnce_type = "t3.micro" # want: schema/unknown-argument
  arn          = "arn:aws:ec2:x" # want: schema/computed-argument
  tags {                    # want: schema/argument-as-block
    Name = "web"
  }
  root_block_device = { # want: schema/block-as-argument
    volume_size = 10
  }
  ebs_block_device { # want: schema/missing-argument
    volume_size = 10
  }
  cpu_option { # want: schema/unknown-block
    core_count = 2
  }
}

resource "aws_instance" "two_roots" { # want: schema/too-many-blocks
  ami = "ami-123"
  root_block_device {
    volume_size = 10
  }
  root_block_device {
    volume_size = 20
  }
}

resource "aws_s3_bucket_policy" "this" { # want: schema/missing-argument
  bucket = "b"
}

resource "aws_lb_listener" "http" { # want: schema/missing-block
  load_balancer_arn = "arn"
  port              = 80
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = "arn"
  default_action {
    type = "forward"
    forward { # want: schema/missing-block
      stickiness {
        duration = 60
      }
    }
  }
}

resource "aws_instanc" "typo" { # want: schema/unknown-type
  ami = "ami-123"
}

data "aws_ami" "x" {
  filter { # want: schema/missing-argument
    name = "name"
  }
  owner = ["amazon"] # want: schema/unknown-argument
}

data "aws_no_such_thing" "x" {} # want: schema/unknown-type

resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = [1]
    content {
      from_port = 80
      to_prot   = 80 # want: schema/unknown-argument
    }
  }
  dynamic "egres" { # want: schema/unknown-block
    for_each = [1]
    content {}
  }
}

resource "aws_rds_cluster" "db" {
  engine = "aurora-postgresql"
  timeouts {
    creat = "1h" # want: schema/unknown-argument
  }
  serverlessv2_scaling_configuration {
    max_capacity = 4
    min_capacity = 1
    mn_capacity  = 1 # want: schema/unknown-argument
  }
}
