// Command alarm-forwarder is the AWS Lambda function (provided.al2023, arm64) that posts
// CloudWatch alarm notifications from SNS to Slack. The logic lives in internal/alarm;
// modules/observability deploys it; ./package builds the zip it deploys.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/terragrunt-olechka/olechka/internal/alarm"
)

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "alarm-forwarder: load AWS configuration:", err)
		os.Exit(1)
	}
	h, err := alarm.FromEnv(os.Getenv, secretsmanager.NewFromConfig(cfg), os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "alarm-forwarder:", err)
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}
