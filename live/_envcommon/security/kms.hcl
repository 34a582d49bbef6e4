# The kms unit: customer-managed keys, one per data domain (multi-region where the tier
# replicates). Included by live/<env>/<region>/kms/terragrunt.hcl; Terragrunt evaluates
# it in that unit's folder.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  security  = read_terragrunt_config("${local.envcommon}/security.hcl").locals
}

terraform {
  source = local.security.kms.source
}

# Terragrunt refuses to destroy this unit where the tier protects its data.
prevent_destroy = local.security.env.deletion_protection

inputs = local.security.kms.inputs
