output "vpc_id" {
  description = "Id of the VPC."
  value       = "vpc-${substr(replace(terraform_data.vpc.id, "-", ""), 0, 17)}"
}

output "subnet_ids" {
  description = "Ids of the subnets, one per availability zone."
  value       = [for s in terraform_data.subnet : "subnet-${substr(replace(s.id, "-", ""), 0, 17)}"]
}

output "cidr_block" {
  description = "CIDR block of the VPC."
  value       = var.cidr_block
}
