# The AWS account of the production environment. The id is a PLACEHOLDER: replace it with your
# production account's id before the first apply (docs/live.md, "Accounts"). The provider's
# allowed_account_ids refuses any other account, so a wrong id fails safely.
locals {
  account_name   = "ai-tools-production"
  aws_account_id = "333333333333"

  # Remote state, created once per account by the bootstrap (olechka bootstrap or the
  # state-backend unit): bucket terraform-state-<aws_account_id>-<state_region>.
  state_region     = "eu-central-1"
  state_kms_key_id = "alias/terraform-state"
  state_lock_table = "terraform-locks"

  # Public DNS of the environment. The hosted zone id is a PLACEHOLDER as well; with a
  # real zone the load balancer's certificate validates itself through DNS.
  dns_zone_name   = "ai-tools.example.com"
  route53_zone_id = "Z00000000000000000PROD"
}
