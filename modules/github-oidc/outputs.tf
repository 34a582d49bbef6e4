output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the roles trust."
  value       = local.provider_arn
}

output "plan_role_name" {
  description = "Name of the plan role."
  value       = aws_iam_role.plan.name
}

output "plan_role_arn" {
  description = "ARN of the plan role (the workflows' role-to-assume for pull request plans)."
  value       = aws_iam_role.plan.arn
}

output "apply_role_name" {
  description = "Name of the apply role."
  value       = aws_iam_role.apply.name
}

output "apply_role_arn" {
  description = "ARN of the apply role (the workflows' role-to-assume for applies from main)."
  value       = aws_iam_role.apply.arn
}
