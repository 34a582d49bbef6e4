provider "aws" {
  region = "eu-central-1"
  regoin = "eu-central-1" # want: schema/unknown-argument
  default_tag { # want: schema/unknown-block
    tags = {}
  }
}

provider "aws" {
  alias  = "other"
  region = "eu-west-1"
}
