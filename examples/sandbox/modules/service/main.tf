# A stand-in for an ECS service: terraform_data holds the deployment, a time_sleep models
# the rollout (so an apply can take a while), and a precondition lets a test make the plan
# fail on purpose.
resource "terraform_data" "service" {
  input = {
    tags          = var.tags
    name          = "${var.name}-${var.environment}"
    vpc_id        = var.vpc_id
    subnet_ids    = var.subnet_ids
    bucket_name   = var.bucket_name
    image_tag     = var.image_tag
    desired_count = var.desired_count
  }

  lifecycle {
    precondition {
      condition     = var.fail_plan == ""
      error_message = "fail_plan is set: ${var.fail_plan}"
    }
  }
}

resource "time_sleep" "rollout" {
  count = var.rollout_duration == "0s" ? 0 : 1

  create_duration = var.rollout_duration
  # A new image rolls out again: the sleep is replaced, so it runs on every deployment.
  triggers = {
    deployment = terraform_data.service.id
    image_tag  = var.image_tag
  }
}
