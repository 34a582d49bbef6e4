variable "a" {
  type = string

output "b" {
