package bootstrap

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// S3API is the part of the S3 client bootstrap uses (*s3.Client has it).
type S3API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	CreateBucket(context.Context, *s3.CreateBucketInput, ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	PutBucketVersioning(context.Context, *s3.PutBucketVersioningInput, ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	PutBucketEncryption(context.Context, *s3.PutBucketEncryptionInput, ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(context.Context, *s3.PutPublicAccessBlockInput, ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput, ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	GetBucketLifecycleConfiguration(context.Context, *s3.GetBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	PutBucketLifecycleConfiguration(context.Context, *s3.PutBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error)
	GetBucketLogging(context.Context, *s3.GetBucketLoggingInput, ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
	PutBucketLogging(context.Context, *s3.PutBucketLoggingInput, ...func(*s3.Options)) (*s3.PutBucketLoggingOutput, error)
}

var _ S3API = (*s3.Client)(nil)

const (
	lifecycleRuleNoncurrent = "expire-noncurrent-state-versions"
	lifecycleRuleLogs       = "expire-access-logs"
)

// bucketExists checks the bucket and creates it; it returns whether the bucket is new
// (or would be, in a dry run) and whether the bucket's settings can be checked at all.
func (r *runner) bucketExists(ctx context.Context, resource, bucket string) (fresh, usable bool) {
	step := Step{Resource: resource, Setting: "exists"}
	_, err := r.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket), ExpectedBucketOwner: aws.String(r.opts.AccountID)})
	switch {
	case err == nil:
		step.Status = OK
		r.add(step)
		return false, true
	case hasCode(err, "NotFound", "NoSuchBucket") || httpStatus(err) == 404:
	case hasCode(err, "Forbidden", "AccessDenied") || httpStatus(err) == 403:
		step.Status = Failed
		step.Detail = "the bucket exists but this account cannot read it (owned by another account, or no s3:ListBucket permission); choose another name with --bucket or fix the credentials"
		r.add(step)
		return false, false
	default:
		step.Status, step.Detail = Failed, errText(err)
		r.add(step)
		return false, false
	}
	if r.opts.DryRun {
		step.Status = WouldCreate
		r.add(step)
		return true, true
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if r.opts.Region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(r.opts.Region)}
	}
	_, err = r.s3.CreateBucket(ctx, in)
	switch {
	case err == nil:
		step.Status = Created
	case hasCode(err, "BucketAlreadyOwnedByYou"):
		step.Status, step.Detail = OK, "created meanwhile by this account"
		r.add(step)
		return false, true
	case hasCode(err, "BucketAlreadyExists"):
		step.Status, step.Detail = Failed, "the name is taken by another AWS account; choose another with --bucket"
		r.add(step)
		return false, false
	default:
		step.Status, step.Detail = Failed, "create: "+errText(err)
		r.add(step)
		return false, false
	}
	r.add(step)
	return true, true
}

// logBucket makes the bucket that receives the state bucket's server access logs.
// Server access logging cannot write to an SSE-KMS bucket, so it uses SSE-S3.
func (r *runner) logBucket(ctx context.Context) {
	b := r.opts.LogBucket
	res := "s3://" + b + " (access logs)"
	fresh, usable := r.bucketExists(ctx, res, b)
	if !usable {
		return
	}
	part := Partition(r.opts.Region)
	r.ensure(ctx, res, fresh, r.publicAccessBlock(b))
	r.ensure(ctx, res, fresh, r.versioning(b))
	r.ensure(ctx, res, fresh, r.encryption(b, "AES256", nil))
	r.ensure(ctx, res, fresh, r.policy(b, []map[string]any{
		denyInsecureTransport(part, b),
		allowAccessLogs(part, b, r.opts.Bucket, r.opts.AccountID),
	}))
	r.ensure(ctx, res, fresh, r.lifecycle(b, lifecycleRuleLogs, r.opts.LogRetentionDays, false))
}

// stateBucket makes the bucket OpenTofu keeps state in.
func (r *runner) stateBucket(ctx context.Context) {
	b := r.opts.Bucket
	res := "s3://" + b
	fresh, usable := r.bucketExists(ctx, res, b)
	if !usable {
		return
	}
	part := Partition(r.opts.Region)
	r.ensure(ctx, res, fresh, r.versioning(b))
	if r.keyBroken {
		r.add(Step{Resource: res, Setting: "encryption", Status: Failed, Detail: "no state key to encrypt with (see the kms step)"})
	} else {
		r.ensure(ctx, res, fresh, r.encryption(b, r.opts.SSEAlgorithm, r.keys))
	}
	r.ensure(ctx, res, fresh, r.publicAccessBlock(b))
	r.ensure(ctx, res, fresh, r.policy(b, []map[string]any{denyInsecureTransport(part, b)}))
	r.ensure(ctx, res, fresh, r.lifecycle(b, lifecycleRuleNoncurrent, r.opts.NoncurrentDays, true))
	if r.opts.LogBucket != "" {
		r.ensure(ctx, res, fresh, r.logging(b, r.opts.LogBucket))
	}
}

func (r *runner) versioning(bucket string) setting {
	return setting{
		name: "versioning", want: "Enabled",
		get: func(ctx context.Context) (bool, string, error) {
			out, err := r.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
			if err != nil {
				return false, "", err
			}
			cur := string(out.Status)
			if cur == "" {
				cur = "never enabled"
			}
			return out.Status == types.BucketVersioningStatusEnabled, cur, nil
		},
		put: func(ctx context.Context) error {
			_, err := r.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
				Bucket:                  aws.String(bucket),
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
			})
			return err
		},
		putUnsupported: unsupportedBucketSubresource,
	}
}

func (r *runner) encryption(bucket, algorithm string, keys []string) setting {
	want := algorithm
	keyID := ""
	if len(keys) > 0 {
		keyID = keys[0]
		want += " with key " + keys[min(2, len(keys)-1)]
	}
	if algorithm == "aws:kms" {
		want += ", bucket key"
	}
	return setting{
		name: "encryption", want: want,
		get: func(ctx context.Context) (bool, string, error) {
			out, err := r.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
			if hasCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
				return false, "none", nil
			}
			if err != nil {
				return false, "", err
			}
			var have []string
			ok := false
			if out.ServerSideEncryptionConfiguration != nil {
				for _, rule := range out.ServerSideEncryptionConfiguration.Rules {
					d := rule.ApplyServerSideEncryptionByDefault
					if d == nil {
						continue
					}
					alg := string(d.SSEAlgorithm)
					key := aws.ToString(d.KMSMasterKeyID)
					desc := alg
					if key != "" {
						desc += " with key " + key
					}
					have = append(have, desc)
					switch algorithm {
					case "AES256":
						// SSE-S3 is the floor; a KMS algorithm is stronger and fine too,
						// except on the log bucket (see logBucket), which asks for AES256.
						ok = ok || alg == "AES256"
					default:
						algOK := alg == "aws:kms" || alg == "aws:kms:dsse"
						keyOK := len(keys) == 0 || keyMatches(key, keys)
						ok = ok || algOK && keyOK
					}
				}
			}
			if len(have) == 0 {
				return false, "none", nil
			}
			return ok, strings.Join(have, ", "), nil
		},
		put: func(ctx context.Context) error {
			def := &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryption(algorithm)}
			if keyID != "" {
				def.KMSMasterKeyID = aws.String(keyID)
			}
			_, err := r.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
				Bucket: aws.String(bucket),
				ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: def,
					BucketKeyEnabled:                   aws.Bool(algorithm == "aws:kms"),
				}}},
			})
			return err
		},
		putUnsupported: unsupportedBucketSubresource,
	}
}

func (r *runner) publicAccessBlock(bucket string) setting {
	return setting{
		name: "public access block", want: "all four blocks on",
		get: func(ctx context.Context) (bool, string, error) {
			out, err := r.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
			if hasCode(err, "NoSuchPublicAccessBlockConfiguration") {
				return false, "none", nil
			}
			if err != nil {
				return false, "", err
			}
			c := out.PublicAccessBlockConfiguration
			if c == nil {
				return false, "none", nil
			}
			var off []string
			for name, v := range map[string]*bool{
				"BlockPublicAcls": c.BlockPublicAcls, "IgnorePublicAcls": c.IgnorePublicAcls,
				"BlockPublicPolicy": c.BlockPublicPolicy, "RestrictPublicBuckets": c.RestrictPublicBuckets,
			} {
				if !aws.ToBool(v) {
					off = append(off, name)
				}
			}
			if len(off) == 0 {
				return true, "all four blocks on", nil
			}
			slices.Sort(off)
			return false, "off: " + strings.Join(off, ", "), nil
		},
		put: func(ctx context.Context) error {
			_, err := r.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
				Bucket: aws.String(bucket),
				PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
					BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
				},
			})
			return err
		},
		putUnsupported: unsupportedBucketSubresource,
	}
}

// policy wants every statement of want (matched by what it does) in the bucket policy;
// statements already there are kept.
func (r *runner) policy(bucket string, want []map[string]any) setting {
	var current *policyDoc
	read := func(ctx context.Context) (*policyDoc, error) {
		out, err := r.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		if hasCode(err, "NoSuchBucketPolicy") {
			return &policyDoc{Version: "2012-10-17"}, nil
		}
		if err != nil {
			return nil, err
		}
		doc, err := parsePolicy(aws.ToString(out.Policy))
		if err != nil {
			// A server without GetBucketPolicy may answer with something else entirely
			// (gofakes3 lists the bucket). Never overwrite a policy we cannot read.
			return nil, &notJSONPolicy{err}
		}
		return doc, nil
	}
	return setting{
		name: "bucket policy", want: "statements " + sids(want),
		get: func(ctx context.Context) (bool, string, error) {
			doc, err := read(ctx)
			if err != nil {
				return false, "", err
			}
			current = doc
			missing := policyMissing(doc, want)
			if len(missing) == 0 {
				return true, fmt.Sprintf("%d statement(s), TLS-only", len(doc.Statement)), nil
			}
			return false, "missing " + sids(missing), nil
		},
		put: func(ctx context.Context) error {
			doc := current
			if doc == nil { // fresh bucket: nothing read yet
				doc = &policyDoc{Version: "2012-10-17"}
			}
			merged, err := mergePolicy(doc, policyMissing(doc, want))
			if err != nil {
				return err
			}
			_, err = r.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(merged)})
			return err
		},
		putUnsupported: unsupportedBucketSubresource,
	}
}

// notJSONPolicy marks a policy answer that is not a policy; it reports as unsupported.
type notJSONPolicy struct{ err error }

func (e *notJSONPolicy) Error() string                 { return e.err.Error() }
func (e *notJSONPolicy) Unwrap() error                 { return e.err }
func (e *notJSONPolicy) ErrorCode() string             { return "NotImplemented" }
func (e *notJSONPolicy) ErrorMessage() string          { return "GetBucketPolicy did not return a JSON policy" }
func (e *notJSONPolicy) ErrorFault() smithy.ErrorFault { return smithy.FaultUnknown }

// lifecycle wants an enabled bucket-wide rule that expires noncurrent versions after
// days (noncurrent) or current objects after days (logs); other rules are kept.
func (r *runner) lifecycle(bucket, ruleID string, days int32, noncurrent bool) setting {
	var existing []types.LifecycleRule
	wantRule := types.LifecycleRule{
		ID:     aws.String(ruleID),
		Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
		AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{
			DaysAfterInitiation: aws.Int32(7),
		},
	}
	want := fmt.Sprintf("rule %s: ", ruleID)
	if noncurrent {
		wantRule.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(days)}
		want += fmt.Sprintf("noncurrent versions expire after %d days", days)
	} else {
		wantRule.Expiration = &types.LifecycleExpiration{Days: aws.Int32(days)}
		wantRule.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7)}
		want += fmt.Sprintf("objects expire after %d days", days)
	}
	matches := func(rule types.LifecycleRule) bool {
		if rule.Status != types.ExpirationStatusEnabled {
			return false
		}
		if f := rule.Filter; f != nil && (aws.ToString(f.Prefix) != "" || f.And != nil || f.Tag != nil) {
			return false // not bucket-wide
		}
		//lint:ignore SA1019 rules written before Filter existed still carry the top-level Prefix
		if rule.Prefix != nil && *rule.Prefix != "" {
			return false
		}
		if noncurrent {
			return rule.NoncurrentVersionExpiration != nil && aws.ToInt32(rule.NoncurrentVersionExpiration.NoncurrentDays) > 0
		}
		return rule.Expiration != nil && aws.ToInt32(rule.Expiration.Days) > 0
	}
	return setting{
		name: "lifecycle", want: want,
		get: func(ctx context.Context) (bool, string, error) {
			out, err := r.s3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
			if hasCode(err, "NoSuchLifecycleConfiguration") {
				existing = nil
				return false, "no rules", nil
			}
			if err != nil {
				return false, "", err
			}
			existing = out.Rules
			for _, rule := range out.Rules {
				if matches(rule) {
					return true, "rule " + aws.ToString(rule.ID), nil
				}
			}
			if len(out.Rules) == 0 {
				return false, "no rules", nil
			}
			return false, fmt.Sprintf("%d rule(s), none expiring what is wanted bucket-wide", len(out.Rules)), nil
		},
		put: func(ctx context.Context) error {
			var rules []types.LifecycleRule
			for _, rule := range existing {
				if aws.ToString(rule.ID) != ruleID {
					rules = append(rules, rule)
				}
			}
			rules = append(rules, wantRule)
			_, err := r.s3.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
				Bucket:                 aws.String(bucket),
				LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules},
			})
			return err
		},
		putUnsupported: unsupportedBucketSubresource,
	}
}

func (r *runner) logging(bucket, target string) setting {
	prefix := "s3-access/" + bucket + "/"
	return setting{
		name: "access logging", want: "to s3://" + target + "/" + prefix,
		get: func(ctx context.Context) (bool, string, error) {
			out, err := r.s3.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String(bucket)})
			if err != nil {
				return false, "", err
			}
			if out.LoggingEnabled == nil || aws.ToString(out.LoggingEnabled.TargetBucket) == "" {
				return false, "off", nil
			}
			// Logging to another bucket someone chose on purpose is fine.
			return true, "to s3://" + aws.ToString(out.LoggingEnabled.TargetBucket) + "/" + aws.ToString(out.LoggingEnabled.TargetPrefix), nil
		},
		put: func(ctx context.Context) error {
			_, err := r.s3.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{
				Bucket: aws.String(bucket),
				BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: &types.LoggingEnabled{
					TargetBucket: aws.String(target),
					TargetPrefix: aws.String(prefix),
				}},
			})
			return err
		},
		putUnsupported: unsupportedBucketSubresource,
	}
}
