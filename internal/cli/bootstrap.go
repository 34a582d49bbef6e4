package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/bootstrap"
)

func newBootstrapCmd(app *App) *cobra.Command {
	var (
		o           bootstrap.Options
		co          bootstrap.ClientOptions
		asJSON      bool
		detailed    bool
		noAccessLog bool
		pollTimeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "bootstrap",
		Short: "Check and create the state bucket and lock table of one account and region",
		Long: `bootstrap makes what the pipeline stands on in one AWS account and region,
before any unit can keep state there:

  - the customer-managed KMS key alias/terraform-state (rotation on) that every
    unit's remote state names;
  - the S3 bucket terraform-state-<account_id>-<region>: versioning, default
    encryption (SSE-KMS with that key and a bucket key), all four public access blocks, a
    TLS-only bucket policy, a lifecycle rule expiring noncurrent state versions,
    server access logging into <bucket>-logs;
  - that access-log bucket (SSE-S3, versioning, public access block, TLS-only,
    log expiry);
  - the DynamoDB lock table (LockID string hash key, on-demand, KMS
    encryption with that key, point-in-time recovery, deletion protection).

It reads before it writes: what exists and is right is left alone, what is
missing is created, and a setting that drifted (versioning suspended, encryption
removed...) is reported and put back. A second run changes nothing. --dry-run
only reports. Against S3- or DynamoDB-compatible servers (--endpoint-s3,
--endpoint-dynamodb) an API the server lacks is reported as "unsupported".

Credentials come from the usual AWS chain (environment, --profile, SSO, web
identity). Exit status: 0 done (or nothing to do), 1 a step failed, 2 with
--detailed-exitcode when a dry run found changes to make.`,
		Example: `  # see what would be created in the current account
  olechka bootstrap --region eu-central-1 --dry-run

  # create it, naming the account (skips sts:GetCallerIdentity)
  olechka bootstrap --region eu-central-1 --account-id 111111111111

  # against local servers (gofakes3, dynalite)
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test olechka bootstrap \
    --region eu-central-1 --account-id 111111111111 \
    --endpoint-s3 http://127.0.0.1:9000 --endpoint-dynamodb http://127.0.0.1:4567`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if co.Region == "" {
				co.Region = app.Getenv("AWS_REGION")
			}
			if co.Region == "" {
				co.Region = app.Getenv("AWS_DEFAULT_REGION")
			}
			if co.Region == "" {
				return &ExitError{Code: 1, Err: fmt.Errorf("bootstrap: no region: pass --region or set AWS_REGION")}
			}
			if co.Profile == "" && app.Getenv("AWS_ACCESS_KEY_ID") != "" {
				co.AccessKeyID = app.Getenv("AWS_ACCESS_KEY_ID")
				co.SecretAccessKey = app.Getenv("AWS_SECRET_ACCESS_KEY")
				co.SessionToken = app.Getenv("AWS_SESSION_TOKEN")
			}
			clients, err := bootstrap.NewClients(ctx, co)
			if err != nil {
				return &ExitError{Code: 1, Err: fmt.Errorf("bootstrap: %w", err)}
			}
			o.Region = co.Region
			if o.AccountID == "" {
				if o.AccountID, err = clients.AccountID(ctx); err != nil {
					return &ExitError{Code: 1, Err: fmt.Errorf("bootstrap: %w", err)}
				}
			}
			if noAccessLog {
				o.LogBucket = "-"
			}
			o.PollTimeout = pollTimeout
			report, runErr := bootstrap.Run(ctx, clients.Services(), o)
			if report != nil {
				if asJSON {
					enc := json.NewEncoder(app.Stdout)
					enc.SetIndent("", "  ")
					if err := enc.Encode(report); err != nil {
						return err
					}
				} else if err := report.Write(app.Stdout); err != nil {
					return err
				}
			}
			if runErr != nil {
				return &ExitError{Code: 1, Err: runErr}
			}
			if detailed && o.DryRun && report.Pending() > 0 {
				return &ExitError{Code: 2}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.DryRun, "dry-run", false, "only report what would be created or fixed")
	f.StringVar(&co.Region, "region", "", "AWS region (default $AWS_REGION, then $AWS_DEFAULT_REGION)")
	f.StringVar(&o.AccountID, "account-id", "", "12-digit account id (default: asked of sts:GetCallerIdentity)")
	f.StringVar(&co.Profile, "profile", "", "AWS shared config profile")
	f.StringVar(&o.Bucket, "bucket", "", "state bucket name (default terraform-state-<account_id>-<region>)")
	f.StringVar(&o.LogBucket, "log-bucket", "", "access-log bucket name (default <bucket>-logs)")
	f.BoolVar(&noAccessLog, "no-access-logs", false, "do not create the access-log bucket nor turn access logging on")
	f.StringVar(&o.Table, "table", bootstrap.DefaultLockTable, "DynamoDB lock table name")
	f.StringVar(&o.SSEAlgorithm, "sse", "aws:kms", "state bucket default encryption: aws:kms or AES256")
	f.StringVar(&o.KMSKeyID, "kms-key-id", "", "use this existing KMS key (ARN, id or alias/NAME) for the bucket and table instead of managing --key-alias")
	f.Int32Var(&o.NoncurrentDays, "noncurrent-days", 90, "days a noncurrent state version is kept")
	f.Int32Var(&o.LogRetentionDays, "log-retention-days", 365, "days an access-log object is kept")
	f.StringVar(&co.EndpointS3, "endpoint-s3", "", "S3 endpoint URL (path-style), e.g. a local S3-compatible server")
	f.StringVar(&co.EndpointDynamoDB, "endpoint-dynamodb", "", "DynamoDB endpoint URL, e.g. a local dynalite")
	f.StringVar(&co.EndpointSTS, "endpoint-sts", "", "STS endpoint URL")
	f.StringVar(&co.EndpointKMS, "endpoint-kms", "", "KMS endpoint URL (with custom S3/DynamoDB endpoints and none for KMS, no key is managed)")
	f.StringVar(&o.KeyAlias, "key-alias", bootstrap.DefaultKeyAlias, "alias of the customer-managed state key to create or check (account.hcl state_kms_key_id)")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	f.BoolVar(&detailed, "detailed-exitcode", false, "with --dry-run, exit 2 when there is something to create or fix")
	f.DurationVar(&pollTimeout, "wait", 5*time.Minute, "how long to wait for the table to become ACTIVE")
	return cmd
}
