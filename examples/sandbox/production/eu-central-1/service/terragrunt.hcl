include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/service.hcl"
}

dependency "network" {
  config_path = "../network"

  mock_outputs = {
    vpc_id     = "vpc-00000000mock"
    subnet_ids = ["subnet-00000000mock"]
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

dependency "storage" {
  config_path = "../storage"

  mock_outputs = {
    bucket_name = "mock-bucket"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

inputs = {
  vpc_id      = dependency.network.outputs.vpc_id
  subnet_ids  = dependency.network.outputs.subnet_ids
  bucket_name = dependency.storage.outputs.bucket_name
}
