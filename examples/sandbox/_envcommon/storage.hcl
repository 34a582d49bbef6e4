# Common configuration of every storage unit (the service's bucket).
locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//storage"
}

inputs = {
  name           = "ai-tools-data"
  retention_days = local.env.locals.tier == "production" ? 90 : 7
  # The sandbox has no KMS: a stand-in alias for the customer-managed data key.
  kms_key_id = "alias/ai-tools-${local.env.locals.environment}-data"
  # Where local_file writes the bucket manifest; empty writes nothing.
  manifest_dir = get_env("OLECHKA_SANDBOX_OUT", "")
}
