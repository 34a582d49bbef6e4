# Region layer of dev: primary region, the full stack.
locals {
  aws_region = "eu-central-1"
  # full: the whole stack runs here. replica: only the cross-region replicas of the
  # primary region's data (KMS replica keys, S3 replica buckets, Aurora Global secondary).
  stack    = "full"
  vpc_cidr = "10.10.0.0/16"
}
