locals {
  account_id   = "111111111111"
  account_name = "ai-tools-dev"
}
