variable "name" {
type = "string"
  default="ai-tools"
}
variable "zones" {
  type    = "list"
}
variable "labels" { type = "map" }

locals {
  a = "${var.name}"
  b = "${var.name}-suffix"
  c = "${var.name}${var.name}"
  d = "${
    var.name
  }"
  e = "${var.enabled ? "x" : "${var.name}"}"
  f = "${upper("a")}"
  g = "${
    var.enabled
    ? 1
    : 2
  }"
  list = [1,2,
  3]
  obj = {
  a=1
  bb = 2
  }
}

resource "aws_s3_bucket"   "b"    {
    bucket = "${local.a}"
  tags = {Name="x"
  Env = "dev"}
}
