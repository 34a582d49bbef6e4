# Region layer of dev: second region, a full independent stack (as the spec draws it).
locals {
  aws_region = "ap-southeast-1"
  # full: the whole stack runs here. replica: only the cross-region replicas of the
  # primary region's data (KMS replica keys, S3 replica buckets, Aurora Global secondary).
  stack    = "full"
  vpc_cidr = "10.11.0.0/16"
}
