# The state-backend unit: the account's S3 state bucket (with its access-log bucket) and
# the DynamoDB lock table, encrypted with the state key. `olechka bootstrap` creates them
# first; this unit adopts them (generated import blocks) and keeps them as code. Included
# by live/<env>/<state_region>/state-backend/terragrunt.hcl.
locals {
  bootstrap = read_terragrunt_config("${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/bootstrap.hcl").locals
}

terraform {
  source = local.bootstrap.state_backend.source
}

generate "imports" {
  path      = "imports.tf"
  if_exists = "overwrite_terragrunt"
  contents  = join("\n", [for to, id in local.bootstrap.state_backend.imports : "import {\n  to = ${to}\n  id = \"${id}\"\n}\n"])
}

# Every unit's state lives here: Terragrunt refuses to destroy it.
prevent_destroy = true

inputs = local.bootstrap.state_backend.inputs
