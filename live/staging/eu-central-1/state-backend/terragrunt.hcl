# The account's state backend: the S3 state bucket (with its access-log bucket) and the
# DynamoDB lock table, encrypted with the state key. `olechka bootstrap` creates them
# first; this unit adopts them (generated import blocks) and keeps them as code.
# Bootstrap units are applied by an administrator (docs/bootstrap.md): when the pipeline
# sees a change here, review gates it for manual approval in every tier.
locals {
  approval = "manual"
}

include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "bootstrap" {
  path           = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/bootstrap.hcl"
  expose         = true
  merge_strategy = "no_merge"
}

terraform {
  source = include.bootstrap.locals.state_backend.source
}

generate "imports" {
  path      = "imports.tf"
  if_exists = "overwrite_terragrunt"
  contents  = join("\n", [for to, id in include.bootstrap.locals.state_backend.imports : "import {\n  to = ${to}\n  id = \"${id}\"\n}\n"])
}

# Every unit's state lives here: Terragrunt refuses to destroy it.
prevent_destroy = true

inputs = include.bootstrap.locals.state_backend.inputs
