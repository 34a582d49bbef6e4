// Package platform holds the tests of the platform itself: the OpenTofu modules in
// modules/ and the Terragrunt tree in live/. They render every unit with olechka's
// config engine and check it against its module (inputs, required variables, variable
// validations), the tier invariants of the spec, formatting, trivy's checks, tflint and
// the AWS provider schema. No AWS account and no provider binary are needed.
package platform
