include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/monitoring.hcl"
}

dependency "service" {
  config_path = "../service"

  mock_outputs = {
    endpoint = "https://mock.example.internal"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

inputs = {
  service_endpoint = dependency.service.outputs.endpoint
}
