package bootstrap

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMSAPI is the part of the KMS client bootstrap uses (*kms.Client has it).
type KMSAPI interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	CreateKey(context.Context, *kms.CreateKeyInput, ...func(*kms.Options)) (*kms.CreateKeyOutput, error)
	CreateAlias(context.Context, *kms.CreateAliasInput, ...func(*kms.Options)) (*kms.CreateAliasOutput, error)
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
	EnableKeyRotation(context.Context, *kms.EnableKeyRotationInput, ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error)
}

var _ KMSAPI = (*kms.Client)(nil)

// DefaultKeyAlias is the state key's alias; live/<env>/account.hcl's state_kms_key_id
// names it for every unit's remote state.
const DefaultKeyAlias = "alias/terraform-state"

// stateKey makes sure the customer-managed key behind opts.KeyAlias exists, is enabled
// and rotates. It returns the key's identifiers (ARN, id, alias, alias ARN) for the
// encryption checks, or nil when there is no key to use (dry run of a missing key: the
// alias stands in; failure: the report says why).
func (r *runner) stateKey(ctx context.Context) []string {
	alias := r.opts.KeyAlias
	res := "kms:" + alias
	step := Step{Resource: res, Setting: "exists"}
	out, err := r.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)})
	fresh := false
	var meta *types.KeyMetadata
	switch {
	case err == nil && out.KeyMetadata != nil:
		meta = r.existingKey(step, out.KeyMetadata)
	case hasCode(err, "NotFoundException"):
		fresh = true
		if r.opts.DryRun {
			step.Status = WouldCreate
			r.add(step)
			r.add(Step{Resource: res, Setting: "rotation", Status: WouldSet, Want: "enabled"})
			return []string{alias}
		}
		meta = r.createKey(ctx, step)
	default:
		if code, yes := unsupported(err); yes {
			step.Status, step.Detail = Unsupported, fmt.Sprintf("this server cannot read it (%s)", code)
		} else {
			step.Status, step.Detail = Failed, errText(err)
		}
		r.add(step)
		return nil
	}
	if meta == nil {
		return nil
	}
	r.keyRotation(ctx, res, aws.ToString(meta.KeyId), fresh)
	return keyIdentifiers(meta, alias)
}

// existingKey reports the key found behind the alias: usable when enabled and
// customer-managed (then it is returned), failed otherwise (nil).
func (r *runner) existingKey(step Step, meta *types.KeyMetadata) *types.KeyMetadata {
	alias := r.opts.KeyAlias
	if meta.KeyState != types.KeyStateEnabled {
		step.Status, step.Current = Failed, string(meta.KeyState)
		step.Detail = fmt.Sprintf("the key %s behind %s is %s; enable it (or cancel its deletion) before bootstrapping", aws.ToString(meta.KeyId), alias, meta.KeyState)
		r.add(step)
		return nil
	}
	if meta.KeyManager == types.KeyManagerTypeAws {
		step.Status = Failed
		step.Detail = fmt.Sprintf("%s is an AWS-managed key; name a customer-managed key's alias (--key-alias)", alias)
		r.add(step)
		return nil
	}
	step.Status, step.Current = OK, aws.ToString(meta.Arn)
	r.add(step)
	return meta
}

// createKey creates a symmetric customer-managed key and its alias and reports it;
// nil when either fails.
func (r *runner) createKey(ctx context.Context, step Step) *types.KeyMetadata {
	created, err := r.kms.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String(fmt.Sprintf("OpenTofu state of account %s (bucket %s, table %s)", r.opts.AccountID, r.opts.Bucket, r.opts.Table)),
		KeyUsage:    types.KeyUsageTypeEncryptDecrypt,
		KeySpec:     types.KeySpecSymmetricDefault,
		Tags:        []types.Tag{{TagKey: aws.String("managed-by"), TagValue: aws.String("olechka-bootstrap")}},
	})
	if err != nil {
		step.Status, step.Detail = Failed, "create: "+errText(err)
		r.add(step)
		return nil
	}
	meta := created.KeyMetadata
	if _, err := r.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(r.opts.KeyAlias), TargetKeyId: meta.KeyId}); err != nil {
		step.Status, step.Detail = Failed, fmt.Sprintf("created key %s but not its alias: %s", aws.ToString(meta.KeyId), errText(err))
		r.add(step)
		return nil
	}
	step.Status, step.Current = Created, aws.ToString(meta.Arn)
	r.add(step)
	return meta
}

// keyRotation makes sure the key rotates.
func (r *runner) keyRotation(ctx context.Context, res, keyID string, fresh bool) {
	r.ensure(ctx, res, fresh, setting{
		name: "rotation", want: "enabled",
		get: func(ctx context.Context) (bool, string, error) {
			out, err := r.kms.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(keyID)})
			if err != nil {
				return false, "", err
			}
			if out.KeyRotationEnabled {
				return true, "enabled", nil
			}
			return false, "disabled", nil
		},
		put: func(ctx context.Context) error {
			_, err := r.kms.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(keyID)})
			return err
		},
	})
}

// keyIdentifiers lists the ways a bucket or table may name the key: its ARN, its id,
// its alias and the alias's ARN.
func keyIdentifiers(meta *types.KeyMetadata, alias string) []string {
	arn := aws.ToString(meta.Arn)
	ids := []string{arn, aws.ToString(meta.KeyId), alias}
	if i := strings.Index(arn, ":key/"); i > 0 {
		ids = append(ids, arn[:i]+":"+alias)
	}
	return ids
}

// keyMatches says whether a key reference read from S3 or DynamoDB names the wanted key.
func keyMatches(have string, want []string) bool {
	for _, w := range want {
		if have == w || strings.HasSuffix(have, "/"+w) || strings.HasSuffix(have, ":"+w) {
			return true
		}
	}
	return false
}
