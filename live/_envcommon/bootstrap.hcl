# Bootstrap components (spec boxes "IAM & Security" and "Terraform Backend"): the state
# backend and the GitHub OIDC roles, one of each per account, in the account's
# state_region (account.hcl). They are applied by an administrator, in order, after
# `olechka bootstrap` made the bucket, table and key the state itself needs
# (docs/bootstrap.md). The component files in bootstrap/ read this file and take
# locals.<component>.source and locals.<component>.inputs.
locals {
  # Read (read_terragrunt_config) by a component file for the unit that includes it:
  # get_original_terragrunt_dir() is that unit's folder, live/<env>/<region>/<unit>.
  region_dir = dirname(get_original_terragrunt_dir())
  env_dir    = dirname(local.region_dir)

  modules = "${dirname(dirname(find_in_parent_folders("root.hcl")))}/modules"
  account = read_terragrunt_config("${local.env_dir}/account.hcl").locals
  env     = read_terragrunt_config("${local.env_dir}/env.hcl").locals

  # The repository whose workflows assume the roles (root.hcl's repository, owner/name).
  github_repository = "terragrunt-olechka/olechka"

  state_bucket = "terraform-state-${local.account.aws_account_id}-${local.account.state_region}"
  lock_table   = local.account.state_lock_table
  key_alias    = local.account.state_kms_key_id

  # GitHub environments the apply job of this env runs in (olechka review: the tier's
  # environment, or its approval environment for a manual gate in an auto tier).
  github_environment          = try(local.env.github_environment, local.env.environment)
  github_approval_environment = try(local.env.github_approval_environment, "${local.github_environment}-approval")

  # true: the repository's OIDC subject template includes the ref (docs/bootstrap.md,
  # step 3), so the apply role's trust itself pins refs/heads/main. false: subjects are
  # GitHub's default and main is enforced by the environments' deployment branch rule.
  oidc_sub_includes_ref = try(local.env.github_oidc_sub_includes_ref, true)

  repo       = "repo:${local.github_repository}"
  main_ref   = local.oidc_sub_includes_ref ? ":ref:refs/heads/main" : ""
  apply_envs = distinct([local.github_environment, local.github_approval_environment])

  state_backend = {
    source = "${local.modules}/state-backend"
    inputs = {
      lock_table_name                   = local.lock_table
      kms_key_alias                     = local.key_alias
      create_kms_key                    = false
      noncurrent_version_retention_days = 90
      access_log_retention_days         = 365
    }
    # `olechka bootstrap` made these; the unit adopts them instead of creating them anew.
    # An import of what state already holds does nothing.
    imports = {
      "aws_s3_bucket.state"                                      = local.state_bucket
      "aws_s3_bucket_versioning.state"                           = local.state_bucket
      "aws_s3_bucket_server_side_encryption_configuration.state" = local.state_bucket
      "aws_s3_bucket_public_access_block.state"                  = local.state_bucket
      "aws_s3_bucket_policy.state"                               = local.state_bucket
      "aws_s3_bucket_lifecycle_configuration.state"              = local.state_bucket
      "aws_s3_bucket_logging.state"                              = local.state_bucket
      "aws_s3_bucket.logs"                                       = "${local.state_bucket}-logs"
      "aws_s3_bucket_versioning.logs"                            = "${local.state_bucket}-logs"
      "aws_s3_bucket_server_side_encryption_configuration.logs"  = "${local.state_bucket}-logs"
      "aws_s3_bucket_public_access_block.logs"                   = "${local.state_bucket}-logs"
      "aws_s3_bucket_policy.logs"                                = "${local.state_bucket}-logs"
      "aws_s3_bucket_lifecycle_configuration.logs"               = "${local.state_bucket}-logs"
      "aws_dynamodb_table.lock"                                  = local.lock_table
    }
  }

  github_oidc = {
    source = "${local.modules}/github-oidc"
    inputs = {
      github_repository  = local.github_repository
      state_bucket_names = [local.state_bucket]
      lock_table_name    = local.lock_table
      # The plan role decrypts with this key only.
      state_kms_key_alias = local.key_alias
      # Pull requests plan; main plans too (pushes, the drift schedule, manual runs).
      plan_subjects = [
        "${local.repo}:pull_request",
        "${local.repo}:pull_request:*",
        "${local.repo}:ref:refs/heads/main",
        "${local.repo}:ref:refs/heads/main:*",
      ]
      apply_subjects       = [for e in local.apply_envs : "${local.repo}:environment:${e}${local.main_ref}"]
      managed_name_prefix  = "ai-tools-"
      max_session_duration = 3600
    }
  }
}
