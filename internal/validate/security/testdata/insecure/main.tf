variable "versioning" {
  type        = bool
  description = "Keep object versions."
  default     = true
}

variable "admin_cidr" {
  type        = string
  description = "Who may reach SSH."
  default     = "10.0.0.0/8"
}

resource "aws_s3_bucket" "data" {
  bucket = "ai-tools-insecure"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_security_group" "ssh" {
  name        = "ssh"
  description = "SSH for admins"
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

resource "aws_db_instance" "db" {
  identifier          = "db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  publicly_accessible = true #trivy:ignore:AVD-AWS-0180
}

module "logs" {
  source = "../shared"
}
