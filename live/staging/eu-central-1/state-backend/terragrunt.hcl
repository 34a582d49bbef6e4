# Bootstrap units are applied by an administrator (docs/bootstrap.md): when the pipeline
# sees a change here, review gates it for manual approval in every tier.
locals {
  approval = "manual"
}

include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/bootstrap/state-backend.hcl"
}
