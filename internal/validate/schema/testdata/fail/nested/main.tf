resource "aws_s3tables_table_bucket" "this" {
  name = "t"
  encryption_configuration = {
    sse_algorithm = "aws:kms"
    kms_key       = "k" # want: schema/unknown-argument
  }
}

resource "aws_security_group" "sg" {
  egress = [{
    from_port = 0
    tp_port   = 0 # want: schema/unknown-argument
  }]
}

resource "aws_wafv2_web_acl_rule" "r" {
  name        = "r"
  priority    = 1
  web_acl_arn = "arn"
  action {
    block {}
  }
  statement {
    not_statement {
      statement {
        not_statement {
          statement {
            geo_match_statement { # want: schema/missing-argument
              country_code = ["NL"] # want: schema/unknown-argument
            }
          }
        }
      }
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "r"
    sampled_requests_enabled   = true
  }
}
