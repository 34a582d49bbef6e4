include "root" {
path = find_in_parent_folders("root.hcl")
}
locals {
  env = "${local.x}"
      region="eu-central-1"
}
inputs = {
name="api"
  cpu    = 256
}
