// Package deps pins the project's dependencies while their users are being written.
// It is removed once every dependency is imported by real code.
package deps

import (
	_ "github.com/apparentlymart/go-cidr/cidr"
	_ "github.com/aquasecurity/trivy/pkg/iac/rego"
	_ "github.com/aquasecurity/trivy/pkg/iac/scanners/terraform"
	_ "github.com/aws/aws-lambda-go/lambda"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/credentials"
	_ "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	_ "github.com/aws/aws-sdk-go-v2/service/s3"
	_ "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	_ "github.com/google/go-github/v84/github"
	_ "github.com/hashicorp/hcl/v2"
	_ "github.com/hashicorp/hcl/v2/hclwrite"
	_ "github.com/hashicorp/terraform-json"
	_ "github.com/johannesboyne/gofakes3"
	_ "github.com/open-policy-agent/opa/v1/rego"
	_ "github.com/spf13/cobra"
	_ "github.com/zclconf/go-cty-yaml"
	_ "github.com/zclconf/go-cty/cty"
	_ "golang.org/x/term"
)
