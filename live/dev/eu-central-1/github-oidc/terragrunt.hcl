# GitHub Actions' OIDC provider and the pipeline's two roles in this account: plan
# (pull requests and main; read-only plus state) and apply (main, in the tier's GitHub
# environment). Applied by an administrator, never by the pipeline (docs/bootstrap.md).
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
  source = include.bootstrap.locals.github_oidc.source
}

# The pipeline's access to the account hangs on it.
prevent_destroy = true

inputs = include.bootstrap.locals.github_oidc.inputs
