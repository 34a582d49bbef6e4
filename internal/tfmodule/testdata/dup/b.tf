variable "x" {}

variable "y" {
  type    = number
  default = "abc"
}
