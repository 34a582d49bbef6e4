# The ecr unit: the repositories of the api and worker images (immutable tags, scan on
# push, KMS). Included by live/<env>/<region>/ecr/terragrunt.hcl; Terragrunt evaluates it
# in that unit's folder, so dependency paths are relative to the unit.
locals {
  envcommon = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon"
  compute   = read_terragrunt_config("${local.envcommon}/compute.hcl").locals
  mocks     = read_terragrunt_config("${local.envcommon}/mocks.hcl").locals
}

terraform {
  source = local.compute.ecr.source
}

dependency "kms" {
  config_path                             = "../kms"
  mock_outputs                            = local.mocks.kms
  mock_outputs_allowed_terraform_commands = local.mocks.allowed_commands
  mock_outputs_merge_strategy_with_state  = "shallow"
}

inputs = merge(local.compute.ecr.inputs, {
  kms_key_arn = dependency.kms.outputs.key_arns["compute"]
})
