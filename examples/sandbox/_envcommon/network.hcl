# Common configuration of every network unit; the unit includes this file.
locals {
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl"))
  region = read_terragrunt_config(find_in_parent_folders("region.hcl"))
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//network"
}

inputs = {
  name       = "ai-tools"
  cidr_block = cidrsubnet(local.env.locals.cidr_block, 4, local.region.locals.cidr_index)
  az_count   = local.env.locals.az_count
}
