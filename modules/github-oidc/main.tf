# GitHub Actions' OIDC provider and the two roles the pipeline assumes in this account:
# plan (read-only, state read, no lock, no secret value) for this repository's pull
# requests and its main branch, apply for the main branch in the tier's GitHub
# environment. Applied once per account by an administrator (docs/bootstrap.md), never
# by the pipeline itself. The threat model behind each statement: docs/security.md.

data "aws_partition" "current" {}

locals {
  partition    = data.aws_partition.current.partition
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn
  tags         = merge(var.tags, { tier = var.tier, component = "github-oidc" })

  state_buckets = [for b in var.state_bucket_names : "arn:${local.partition}:s3:::${b}"]
  state_objects = [for b in var.state_bucket_names : "arn:${local.partition}:s3:::${b}/*"]
  # The state files themselves (<unit>/terraform.tfstate, and env:/<workspace>/... ones):
  # all a plan reads. Anything else in the bucket (lockfiles, and whatever the apply
  # side keeps there) is not the plan role's.
  state_files     = [for b in var.state_bucket_names : "arn:${local.partition}:s3:::${b}/*terraform.tfstate"]
  state_lockfiles = [for b in var.state_bucket_names : "arn:${local.partition}:s3:::${b}/*.tflock"]
  # AWS's own public parameters (AMI ids and the like) hold no secret.
  public_parameters = ["arn:${local.partition}:ssm:*::parameter/aws/service/*"]
  repo_pattern      = replace(var.github_repository, ".", "\\.")
  lock_tables       = ["arn:${local.partition}:dynamodb:${var.aws_region}:${var.aws_account_id}:table/${var.lock_table_name}"]
  # S3 without s3:* (trivy AWS-0345): what managing buckets takes, nothing account-wide.
  s3_actions = [
    "s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:DeleteBucketOwnershipControls",
    "s3:Get*", "s3:List*", "s3:Put*", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:ReplicateObject",
  ]
  own_roles = ["arn:${local.partition}:iam::${var.aws_account_id}:role/${var.plan_role_name}", "arn:${local.partition}:iam::${var.aws_account_id}:role/${var.apply_role_name}"]
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]

  tags = local.tags
}

data "aws_iam_policy_document" "trust_plan" {
  statement {
    sid     = "GitHubPullRequests"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = var.plan_subjects
    }
  }
}

data "aws_iam_policy_document" "trust_apply" {
  statement {
    sid     = "GitHubMainInEnvironment"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = var.apply_subjects
    }
  }
}

# State access of the plan role: read state files and the lock table's digest items,
# decrypt with the state key. No lock: plans run with -lock=false, like Terraform
# Cloud's speculative plans (docs/security.md#locking), so a pull request can neither
# hold nor break the lock of a running apply.
data "aws_iam_policy_document" "state_read" {
  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket", "s3:GetBucketVersioning", "s3:GetBucketLocation"]
    resources = local.state_buckets
  }

  statement {
    sid       = "StateRead"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = local.state_files
  }

  # The s3 backend checks the state's digest item in the lock table on every read.
  statement {
    sid       = "StateDigestRead"
    actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem"]
    resources = local.lock_tables
  }

  # Modules generate passwords with Secrets Manager's random generator at plan time
  # (aurora, elasticache): a generator, not a read of any stored secret.
  statement {
    sid       = "RandomPasswords"
    actions   = ["secretsmanager:GetRandomPassword"]
    resources = ["*"]
  }

  statement {
    sid       = "StateKeyDecrypt"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["arn:${local.partition}:kms:${var.aws_region}:${var.aws_account_id}:key/*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [var.state_kms_key_alias]
    }
  }
}

# State access of the apply role: read and write state, take and release the lock
# (DynamoDB table or the S3 lockfile of use_lockfile), use the state key.
data "aws_iam_policy_document" "state" {
  statement {
    sid       = "StateList"
    actions   = ["s3:ListBucket", "s3:GetBucketVersioning", "s3:GetBucketLocation"]
    resources = local.state_buckets
  }

  statement {
    sid       = "StateRead"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = local.state_objects
  }

  statement {
    sid       = "StateLockfile"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = local.state_lockfiles
  }

  statement {
    sid       = "StateLockTable"
    actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = local.lock_tables
  }

  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = ["arn:${local.partition}:kms:${var.aws_region}:${var.aws_account_id}:key/*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [var.state_kms_key_alias]
    }
  }
}

resource "aws_iam_role" "plan" {
  name                 = var.plan_role_name
  description          = "GitHub Actions plan for pull requests of ${var.github_repository}: read-only, state read, no lock, no secret value."
  assume_role_policy   = data.aws_iam_policy_document.trust_plan.json
  max_session_duration = var.max_session_duration

  tags = local.tags

  lifecycle {
    precondition {
      condition     = alltrue([for s in var.plan_subjects : can(regex("^repo:${local.repo_pattern}:(pull_request|ref:refs/heads/main)(:.+)?$", s))])
      error_message = "Every plan_subjects entry must be repo:${var.github_repository}:pull_request or repo:${var.github_repository}:ref:refs/heads/main (optionally followed by :<claims>): pull requests of this repository and its main branch only."
    }
  }
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "plan_state" {
  name   = "terraform-state"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.state_read.json
}

# ReadOnlyAccess lets a role read any object and some secret material; a plan needs
# neither application data nor secret values, and writes nothing to the state store.
# Explicit denies, so no policy attached later can widen them.
data "aws_iam_policy_document" "plan_guard" {
  statement {
    sid           = "NoDataOutsideStateFiles"
    effect        = "Deny"
    actions       = ["s3:GetObject", "s3:GetObjectVersion"]
    not_resources = local.state_files
  }

  # Secret values: never, whatever the secret, and no condition that could fail to
  # match (a condition on a key the request lacks is how the old statement went wrong).
  statement {
    sid       = "NoSecretValues"
    effect    = "Deny"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"]
    resources = ["*"]
  }

  statement {
    sid           = "NoParameterValues"
    effect        = "Deny"
    actions       = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"]
    not_resources = local.public_parameters
  }

  # Decrypt only with the state key. ForAllValues on purpose: it is true when the key
  # has no alias at all (the context key is then absent), so an unaliased key is
  # denied too; a key is spared only when one of its aliases is the state key's.
  statement {
    sid       = "NoDecryptButStateKey"
    effect    = "Deny"
    actions   = ["kms:Decrypt", "kms:ReEncryptFrom"]
    resources = ["*"]

    condition {
      test     = "ForAllValues:StringNotEquals"
      variable = "kms:ResourceAliases"
      values   = [var.state_kms_key_alias]
    }
  }

  # No lock it does not own: plans take none (-lock=false), so the plan role writes
  # nothing in the state bucket and no item in the lock table.
  statement {
    sid       = "NoStateWrites"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:RestoreObject"]
    resources = local.state_objects
  }

  statement {
    sid       = "NoLockTableWrites"
    effect    = "Deny"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"]
    resources = local.lock_tables
  }
}

resource "aws_iam_role_policy" "plan_guard" {
  name   = "no-application-data"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.plan_guard.json
}

resource "aws_iam_role" "apply" {
  name                 = var.apply_role_name
  description          = "GitHub Actions apply of ${var.github_repository}: main branch in the ${var.environment} environment only."
  assume_role_policy   = data.aws_iam_policy_document.trust_apply.json
  max_session_duration = var.max_session_duration

  tags = local.tags

  lifecycle {
    precondition {
      condition     = alltrue([for s in var.apply_subjects : can(regex("^repo:${local.repo_pattern}:environment:[A-Za-z0-9_.-]+(:ref:refs/heads/main)?$", s))])
      error_message = "Every apply_subjects entry must be repo:${var.github_repository}:environment:<name>, optionally with :ref:refs/heads/main: a deployment of this repository's main branch."
    }
  }
}

resource "aws_iam_role_policy" "apply_state" {
  name   = "terraform-state"
  role   = aws_iam_role.apply.id
  policy = data.aws_iam_policy_document.state.json
}

data "aws_iam_policy_document" "apply" {
  statement {
    sid       = "PlatformServices"
    actions   = flatten([for s in var.apply_services : s == "s3" ? local.s3_actions : ["${s}:*"]])
    resources = ["*"]
  }

  statement {
    sid = "PlatformIAM"
    actions = [
      "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
      "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PassRole",
      "iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
    ]
    resources = [
      "arn:${local.partition}:iam::${var.aws_account_id}:role/${var.managed_name_prefix}*",
      "arn:${local.partition}:iam::${var.aws_account_id}:policy/${var.managed_name_prefix}*",
    ]
  }

  statement {
    sid       = "IAMReadAndServiceLinkedRoles"
    actions   = ["iam:Get*", "iam:List*", "iam:CreateServiceLinkedRole"]
    resources = ["*"]
  }

  statement {
    sid       = "GuardPipelineRolesAndState"
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = local.own_roles
  }

  statement {
    sid       = "GuardStateStore"
    effect    = "Deny"
    actions   = ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"]
    resources = local.state_buckets
  }

  statement {
    sid       = "GuardLockTable"
    effect    = "Deny"
    actions   = ["dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups"]
    resources = local.lock_tables
  }

  statement {
    sid       = "GuardAccount"
    effect    = "Deny"
    actions   = ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "organizations:*", "account:*", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "apply" {
  name   = "platform"
  role   = aws_iam_role.apply.id
  policy = data.aws_iam_policy_document.apply.json
}
