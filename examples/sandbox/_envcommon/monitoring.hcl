# Common configuration of every monitoring unit (alarms on the service).
terraform {
  source = "${dirname(find_in_parent_folders("root.hcl"))}/modules//monitoring"
}

inputs = {
  name        = "ai-tools"
  alarm_names = ["cpu-high", "5xx-rate", "latency-p99"]
}
