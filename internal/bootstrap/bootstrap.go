// Package bootstrap checks and creates what the pipeline stands on in one AWS account and
// region: the S3 bucket that holds OpenTofu state (with its access-log bucket) and the
// DynamoDB table that locks it. It is idempotent: a second run against an account that is
// already bootstrapped changes nothing; a setting that drifted (versioning suspended,
// encryption removed...) is reported and put back. S3-compatible and DynamoDB-compatible
// servers that lack an API (gofakes3, dynalite) get a clear "unsupported" line instead of
// an error.
package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Options say which account and region to bootstrap and how.
type Options struct {
	AccountID string // 12 digits
	Region    string // e.g. eu-central-1

	Bucket    string // default StateBucketName(AccountID, Region)
	LogBucket string // default Bucket + "-logs"; "-" turns access logging off
	Table     string // default DefaultLockTable

	// SSEAlgorithm is "aws:kms" (default) or "AES256". KMSKeyID names an existing key
	// (ARN, key id or alias) to encrypt with and is not managed. Without it, the
	// customer-managed key behind KeyAlias (default alias/terraform-state) is created
	// when Services.KMS is set; without KMS either, the AWS-managed keys are used.
	SSEAlgorithm string
	KMSKeyID     string
	KeyAlias     string

	NoncurrentDays   int32 // days a noncurrent state version is kept (default 90)
	LogRetentionDays int32 // days an access-log object is kept (default 365)

	DryRun bool

	// Poll is how often a table's status is read while it is being created or
	// updated (default 2s); PollTimeout bounds the wait (default 5m).
	Poll        time.Duration
	PollTimeout time.Duration
}

// DefaultLockTable is the name of the DynamoDB lock table live/root.hcl points at.
const DefaultLockTable = "terraform-locks"

// StateBucketName is the state bucket's name for an account and region.
func StateBucketName(accountID, region string) string {
	return fmt.Sprintf("terraform-state-%s-%s", accountID, region)
}

var (
	accountRe = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	// S3 bucket naming rules (general purpose buckets), without the IP-address form.
	bucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	tableRe  = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
)

// withDefaults validates opts and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	var errs []error
	if !accountRe.MatchString(o.AccountID) {
		errs = append(errs, fmt.Errorf("account id %q is not 12 digits", o.AccountID))
	}
	if !regionRe.MatchString(o.Region) {
		errs = append(errs, fmt.Errorf("region %q is not an AWS region name (e.g. eu-central-1)", o.Region))
	}
	if o.Bucket == "" {
		o.Bucket = StateBucketName(o.AccountID, o.Region)
	}
	if o.LogBucket == "" {
		o.LogBucket = o.Bucket + "-logs"
	}
	if o.LogBucket == "-" {
		o.LogBucket = ""
	}
	for _, b := range []string{o.Bucket, o.LogBucket} {
		if b != "" && (!bucketRe.MatchString(b) || strings.Contains(b, "..")) {
			errs = append(errs, fmt.Errorf("bucket name %q breaks S3 naming rules (3-63 lower-case letters, digits, dots, hyphens)", b))
		}
	}
	if o.LogBucket == o.Bucket && o.Bucket != "" {
		errs = append(errs, errors.New("the access-log bucket must differ from the state bucket"))
	}
	if o.Table == "" {
		o.Table = DefaultLockTable
	}
	if o.KeyAlias == "" {
		o.KeyAlias = DefaultKeyAlias
	}
	if !strings.HasPrefix(o.KeyAlias, "alias/") || strings.HasPrefix(o.KeyAlias, "alias/aws/") || len(o.KeyAlias) < 7 {
		errs = append(errs, fmt.Errorf("key alias %q must be alias/NAME and not an AWS-managed alias (alias/aws/*)", o.KeyAlias))
	}
	if !tableRe.MatchString(o.Table) {
		errs = append(errs, fmt.Errorf("table name %q breaks DynamoDB naming rules (3-255 of A-Z a-z 0-9 _ . -)", o.Table))
	}
	switch o.SSEAlgorithm {
	case "":
		o.SSEAlgorithm = "aws:kms"
	case "aws:kms":
	case "AES256":
		if o.KMSKeyID != "" {
			errs = append(errs, errors.New("a KMS key id needs the aws:kms algorithm, not AES256"))
		}
	default:
		errs = append(errs, fmt.Errorf("SSE algorithm %q is not aws:kms or AES256", o.SSEAlgorithm))
	}
	if o.NoncurrentDays == 0 {
		o.NoncurrentDays = 90
	}
	if o.LogRetentionDays == 0 {
		o.LogRetentionDays = 365
	}
	if o.NoncurrentDays < 1 || o.LogRetentionDays < 1 {
		errs = append(errs, errors.New("retention days must be positive"))
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.PollTimeout <= 0 {
		o.PollTimeout = 5 * time.Minute
	}
	return o, errors.Join(errs...)
}

// Partition returns the AWS partition of a region (aws, aws-cn, aws-us-gov).
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// Services are the clients Run talks to. KMS may be nil: then no key is created and
// the AWS-managed keys (or Options.KMSKeyID) encrypt the bucket and table.
type Services struct {
	S3       S3API
	DynamoDB DynamoDBAPI
	KMS      KMSAPI
}

// Run checks every resource and setting, creating or fixing what is missing unless
// opts.DryRun. It returns the report of what it found and did; the error is non-nil when
// the options are invalid or some step failed (the report then says which).
func Run(ctx context.Context, svc Services, opts Options) (*Report, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("bootstrap options: %w", err)
	}
	if svc.S3 == nil || svc.DynamoDB == nil {
		return nil, errors.New("bootstrap: S3 and DynamoDB clients are required")
	}
	r := &runner{opts: o, s3: svc.S3, ddb: svc.DynamoDB, kms: svc.KMS, report: &Report{
		AccountID: o.AccountID, Region: o.Region, Bucket: o.Bucket, LogBucket: o.LogBucket,
		Table: o.Table, DryRun: o.DryRun,
	}}
	switch {
	case o.SSEAlgorithm != "aws:kms":
	case o.KMSKeyID != "":
		r.keys = []string{o.KMSKeyID}
	case svc.KMS != nil:
		r.report.KeyAlias = o.KeyAlias
		r.keys = r.stateKey(ctx)
		r.keyBroken = r.keys == nil
	}
	if o.LogBucket != "" {
		r.logBucket(ctx)
	}
	r.stateBucket(ctx)
	r.lockTable(ctx)
	if err := ctx.Err(); err != nil {
		return r.report, err
	}
	if n := r.report.Count(Failed); n > 0 {
		return r.report, fmt.Errorf("bootstrap: %d step(s) failed", n)
	}
	return r.report, nil
}

type runner struct {
	opts   Options
	s3     S3API
	ddb    DynamoDBAPI
	kms    KMSAPI
	report *Report
	// keys are the identifiers of the key to encrypt with (ARN first); none = the
	// AWS-managed key. keyBroken says the state key step failed: encryption is not
	// touched then.
	keys      []string
	keyBroken bool
}

func (r *runner) add(s Step) { r.report.Steps = append(r.report.Steps, s) }

// setting is one property of a resource: how to read whether it is as wanted, and how
// to make it so.
type setting struct {
	name string
	want string
	// get reports whether the current value is as wanted and describes it.
	get func(ctx context.Context) (ok bool, current string, err error)
	put func(ctx context.Context) error
	// putUnsupported says whether an error from put means the server lacks the API.
	putUnsupported func(error) (string, bool)
	// setAtCreate says the create request already carried the setting: read it on a
	// fresh resource too, and write it only when the server did not take it.
	setAtCreate bool
}

// ensure checks one setting of a resource and fixes it; fresh says the resource was just
// created (or would be, in a dry run), so there is nothing to read yet.
func (r *runner) ensure(ctx context.Context, resource string, fresh bool, s setting) {
	step := Step{Resource: resource, Setting: s.name, Want: s.want}
	if ctx.Err() != nil {
		step.Status, step.Detail = Failed, ctx.Err().Error()
		r.add(step)
		return
	}
	if fresh && r.opts.DryRun {
		step.Status = WouldSet
		r.add(step)
		return
	}
	if !fresh || s.setAtCreate {
		ok, cur, err := s.get(ctx)
		step.Current = cur
		if err != nil {
			if code, yes := unsupported(err); yes {
				step.Status, step.Detail = Unsupported, fmt.Sprintf("this server cannot read it (%s)", code)
			} else {
				step.Status, step.Detail = Failed, "read: "+errText(err)
			}
			r.add(step)
			return
		}
		switch {
		case ok && fresh:
			step.Status = Set
			r.add(step)
			return
		case ok:
			step.Status = OK
			r.add(step)
			return
		case !fresh:
			step.Drift = true
			if r.opts.DryRun {
				step.Status = WouldFix
				r.add(step)
				return
			}
		}
	}
	if err := s.put(ctx); err != nil {
		isUnsupported := unsupported
		if s.putUnsupported != nil {
			isUnsupported = s.putUnsupported
		}
		if code, yes := isUnsupported(err); yes {
			// What such a server said when read is not to be trusted either.
			step.Status, step.Detail, step.Drift = Unsupported, fmt.Sprintf("this server cannot set it (%s)", code), false
		} else {
			step.Status, step.Detail = Failed, "write: "+errText(err)
		}
		r.add(step)
		return
	}
	// Read it back: a server may accept a request it does not act on.
	ok, cur, err := s.get(ctx)
	switch {
	case err != nil:
		if code, yes := unsupported(err); yes {
			step.Status, step.Detail, step.Drift = Unsupported, fmt.Sprintf("this server took the change but cannot read it back (%s)", code), false
		} else {
			step.Status, step.Detail = Failed, "read back: "+errText(err)
		}
	case !ok:
		step.Status, step.Detail, step.Drift = Unsupported, fmt.Sprintf("this server took the change but still reports %q", cur), false
	case fresh:
		step.Status = Set
	default:
		step.Status = Fixed
	}
	r.add(step)
}
