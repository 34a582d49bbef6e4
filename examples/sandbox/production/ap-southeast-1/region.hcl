locals {
  aws_region = "ap-southeast-1"
  cidr_index = 1
}
