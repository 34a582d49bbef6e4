locals {
  account_id   = "333333333333"
  account_name = "ai-tools-production"
}
