# Region layer of production: replica region: cross-region replicas of eu-central-1.
locals {
  aws_region = "ap-southeast-1"
  # full: the whole stack runs here. replica: only the cross-region replicas of the
  # primary region's data (KMS replica keys, S3 replica buckets, Aurora Global secondary).
  stack    = "replica"
  vpc_cidr = "10.31.0.0/16"

  # Where the replicated data comes from.
  primary_region = "eu-central-1"
}
