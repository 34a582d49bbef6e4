# other files of the module are still checked
resource "aws_s3_bucket" "b" {
  buckt = "x" # want: schema/unknown-argument
}
