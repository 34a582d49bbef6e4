# A stand-in for a VPC: terraform_data records what a real VPC would be built from, and
# its id (known only after apply, like a real VPC id) names the resources.
resource "terraform_data" "vpc" {
  input = {
    tags        = var.tags
    name        = "${var.name}-${var.environment}"
    cidr_block  = var.cidr_block
    aws_region  = var.aws_region
    environment = var.environment
  }
}

resource "terraform_data" "subnet" {
  count = var.az_count

  input = {
    vpc        = terraform_data.vpc.id
    cidr_block = cidrsubnet(var.cidr_block, 4, count.index)
    zone       = "${var.aws_region}${substr("abc", count.index, 1)}"
  }
}
