variable "x" {
  type    = strin
  default = 1
}
