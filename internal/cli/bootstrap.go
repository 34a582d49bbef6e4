package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/bootstrap"
)

const bootstrapLong = `bootstrap makes what the pipeline stands on in one AWS account and region,
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
--detailed-exitcode when a dry run found changes to make.`

// bootstrapOptions are `olechka bootstrap`'s flags.
type bootstrapOptions struct {
	run         bootstrap.Options
	client      bootstrap.ClientOptions
	asJSON      bool
	detailed    bool
	noAccessLog bool
	pollTimeout time.Duration
}

// validate fills the region and the credentials from the environment where the flags
// give none ($AWS_REGION, then $AWS_DEFAULT_REGION; static keys unless --profile), and
// the settings that follow from the flags.
func (o *bootstrapOptions) validate(getenv func(string) string) error {
	co := &o.client
	if co.Region == "" {
		co.Region = getenv("AWS_REGION")
	}
	if co.Region == "" {
		co.Region = getenv("AWS_DEFAULT_REGION")
	}
	if co.Region == "" {
		return &ExitError{Code: 1, Err: fmt.Errorf("bootstrap: no region: pass --region or set AWS_REGION")}
	}
	if co.Profile == "" && getenv("AWS_ACCESS_KEY_ID") != "" {
		co.AccessKeyID = getenv("AWS_ACCESS_KEY_ID")
		co.SecretAccessKey = getenv("AWS_SECRET_ACCESS_KEY")
		co.SessionToken = getenv("AWS_SESSION_TOKEN")
	}
	o.run.Region = co.Region
	if o.noAccessLog {
		o.run.LogBucket = "-"
	}
	o.run.PollTimeout = o.pollTimeout
	return nil
}

// runBootstrap connects to the account (asking STS for its id unless --account-id) and
// runs bootstrap.Run. The report, when there is one, is returned with Run's error.
func runBootstrap(ctx context.Context, o *bootstrapOptions) (*bootstrap.Report, error) {
	clients, err := bootstrap.NewClients(ctx, o.client)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	if o.run.AccountID == "" {
		if o.run.AccountID, err = clients.AccountID(ctx); err != nil {
			return nil, fmt.Errorf("bootstrap: %w", err)
		}
	}
	return bootstrap.Run(ctx, clients.Services(), o.run)
}

// showBootstrap is bootstrap's view: the report as text or JSON.
func showBootstrap(app *App, report *bootstrap.Report, asJSON bool) error {
	if !asJSON {
		return report.Write(app.Stdout)
	}
	enc := json.NewEncoder(app.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}

func newBootstrapCmd(app *App) *cobra.Command {
	var o bootstrapOptions
	cmd := &cobra.Command{
		Use:   "bootstrap",
		Short: "Check and create the state bucket and lock table of one account and region",
		Long:  bootstrapLong,
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
			if err := o.validate(app.Getenv); err != nil {
				return err
			}
			report, err := runBootstrap(cmd.Context(), &o)
			if report != nil {
				if err := showBootstrap(app, report, o.asJSON); err != nil {
					return err
				}
			}
			if err != nil {
				return &ExitError{Code: 1, Err: err}
			}
			if o.detailed && o.run.DryRun && report.Pending() > 0 {
				return &ExitError{Code: 2}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.run.DryRun, "dry-run", false, "only report what would be created or fixed")
	f.StringVar(&o.client.Region, "region", "", "AWS region (default $AWS_REGION, then $AWS_DEFAULT_REGION)")
	f.StringVar(&o.run.AccountID, "account-id", "", "12-digit account id (default: asked of sts:GetCallerIdentity)")
	f.StringVar(&o.client.Profile, "profile", "", "AWS shared config profile")
	f.StringVar(&o.run.Bucket, "bucket", "", "state bucket name (default terraform-state-<account_id>-<region>)")
	f.StringVar(&o.run.LogBucket, "log-bucket", "", "access-log bucket name (default <bucket>-logs)")
	f.BoolVar(&o.noAccessLog, "no-access-logs", false, "do not create the access-log bucket nor turn access logging on")
	f.StringVar(&o.run.Table, "table", bootstrap.DefaultLockTable, "DynamoDB lock table name")
	f.StringVar(&o.run.SSEAlgorithm, "sse", "aws:kms", "state bucket default encryption: aws:kms or AES256")
	f.StringVar(&o.run.KMSKeyID, "kms-key-id", "", "use this existing KMS key (ARN, id or alias/NAME) for the bucket and table instead of managing --key-alias")
	f.Int32Var(&o.run.NoncurrentDays, "noncurrent-days", 90, "days a noncurrent state version is kept")
	f.Int32Var(&o.run.LogRetentionDays, "log-retention-days", 365, "days an access-log object is kept")
	f.StringVar(&o.client.EndpointS3, "endpoint-s3", "", "S3 endpoint URL (path-style), e.g. a local S3-compatible server")
	f.StringVar(&o.client.EndpointDynamoDB, "endpoint-dynamodb", "", "DynamoDB endpoint URL, e.g. a local dynalite")
	f.StringVar(&o.client.EndpointSTS, "endpoint-sts", "", "STS endpoint URL")
	f.StringVar(&o.client.EndpointKMS, "endpoint-kms", "", "KMS endpoint URL (with custom S3/DynamoDB endpoints and none for KMS, no key is managed)")
	f.StringVar(&o.run.KeyAlias, "key-alias", bootstrap.DefaultKeyAlias, "alias of the customer-managed state key to create or check (account.hcl state_kms_key_id)")
	f.BoolVar(&o.asJSON, "json", false, "print the report as JSON")
	f.BoolVar(&o.detailed, "detailed-exitcode", false, "with --dry-run, exit 2 when there is something to create or fix")
	f.DurationVar(&o.pollTimeout, "wait", 5*time.Minute, "how long to wait for the table to become ACTIVE")
	return cmd
}
