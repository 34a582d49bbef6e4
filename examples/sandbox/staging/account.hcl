locals {
  account_id   = "222222222222"
  account_name = "ai-tools-staging"
}
