# meta-arguments, provisioners and ephemeral resources
resource "aws_instance" "web" {
  count         = 2
  ami           = "ami-123"
  instance_type = "t3.micro"
  provider      = aws

  root_block_device {
    volume_size = 20
    encrypted   = true
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 10
  }
  ebs_block_device {
    device_name = "/dev/sdg"
    volume_size = 10
  }

  metadata_options {
    http_tokens = "required"
  }

  provisioner "local-exec" {
    command = "echo ${self.id}"
  }

  connection {
    host = self.public_ip
  }

  lifecycle {
    ignore_changes = [tags]
    precondition {
      condition     = true
      error_message = "never"
    }
  }
}

ephemeral "aws_secretsmanager_secret_version" "db" {
  secret_id = "db"
}

data "aws_caller_identity" "current" {}
