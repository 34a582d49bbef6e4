locals {
  environment = "staging"
  tier        = "staging"
  cidr_block  = "10.20.0.0/16"
  az_count    = 2
}
