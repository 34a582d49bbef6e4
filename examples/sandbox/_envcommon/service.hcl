# Common configuration of every service unit (the API on "ECS").
locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
}

terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//service"
}

inputs = {
  name          = "ai-tools-api"
  image_tag     = "v1.0.0"
  desired_count = local.env.locals.tier == "production" ? 3 : 1
}
