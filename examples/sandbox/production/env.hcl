locals {
  environment = "production"
  tier        = "production"
  cidr_block  = "10.30.0.0/16"
  az_count    = 3
}
