locals {
  aws_region = "eu-central-1"
  cidr_index = 0
}
