locals {
  environment = "dev"
  tier        = "dev"
  cidr_block  = "10.10.0.0/16"
  az_count    = 1
}
