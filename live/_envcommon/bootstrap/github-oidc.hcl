# The github-oidc unit: GitHub Actions' OIDC provider and the pipeline's two roles in the
# account: plan (pull requests and main; read-only plus state) and apply (main, in the
# tier's GitHub environment). Applied by an administrator, never by the pipeline
# (docs/bootstrap.md). Included by live/<env>/<state_region>/github-oidc/terragrunt.hcl.
locals {
  bootstrap = read_terragrunt_config("${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/bootstrap.hcl").locals
}

terraform {
  source = local.bootstrap.github_oidc.source
}

# The pipeline's access to the account hangs on it.
prevent_destroy = true

inputs = local.bootstrap.github_oidc.inputs
