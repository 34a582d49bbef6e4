resource "aws_instance" "ok" {
  ami = "ami-123"
}

resource "aws_instance" "broken" {
  ami = "ami-123" = 2 # want: schema/syntax
}
