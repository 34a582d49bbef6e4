package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// DynamoDBAPI is the part of the DynamoDB client bootstrap uses (*dynamodb.Client has it).
type DynamoDBAPI interface {
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	UpdateTable(context.Context, *dynamodb.UpdateTableInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error)
	DescribeContinuousBackups(context.Context, *dynamodb.DescribeContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
	UpdateContinuousBackups(context.Context, *dynamodb.UpdateContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateContinuousBackupsOutput, error)
}

var _ DynamoDBAPI = (*dynamodb.Client)(nil)

// lockKey is the hash key OpenTofu's s3 backend locks with.
const lockKey = "LockID"

func (r *runner) lockTable(ctx context.Context) {
	t := r.opts.Table
	res := "dynamodb:" + t
	step := Step{Resource: res, Setting: "exists"}
	desc, err := r.describe(ctx)
	fresh := false
	switch {
	case err == nil:
		step.Status = OK
		r.add(step)
		if !r.keySchema(res, desc) {
			return
		}
	case hasCode(err, "ResourceNotFoundException"):
		fresh = true
		if r.opts.DryRun {
			step.Status = WouldCreate
			r.add(step)
			break
		}
		if _, err := r.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(t),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(lockKey), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(lockKey), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest,
			SSESpecification:     r.sseSpec(),
			// Deletion protection is set (and read back) as its own step below.
			Tags: []types.Tag{{Key: aws.String("managed-by"), Value: aws.String("olechka-bootstrap")}},
		}); err != nil {
			step.Status, step.Detail = Failed, "create: "+errText(err)
			r.add(step)
			return
		}
		if err := r.waitActive(ctx); err != nil {
			step.Status, step.Detail = Failed, err.Error()
			r.add(step)
			return
		}
		step.Status = Created
		r.add(step)
	default:
		step.Status, step.Detail = Failed, errText(err)
		r.add(step)
		return
	}
	if r.keyBroken {
		r.add(Step{Resource: res, Setting: "encryption", Status: Failed, Detail: "no state key to encrypt with (see the kms step)"})
	} else {
		r.ensure(ctx, res, fresh, r.tableSSE())
	}
	r.ensure(ctx, res, fresh, r.tablePITR())
	r.ensure(ctx, res, fresh, r.tableDeletionProtection())
}

func (r *runner) describe(ctx context.Context) (*types.TableDescription, error) {
	out, err := r.ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.opts.Table)})
	if err != nil {
		return nil, err
	}
	if out.Table == nil {
		return nil, fmt.Errorf("DescribeTable %s returned no table", r.opts.Table)
	}
	return out.Table, nil
}

// keySchema checks that an existing table can hold OpenTofu's locks; a wrong key cannot
// be changed in place, so it is a failure with advice.
func (r *runner) keySchema(res string, d *types.TableDescription) bool {
	step := Step{Resource: res, Setting: "key schema", Want: lockKey + " (S) hash key"}
	var hash string
	for _, k := range d.KeySchema {
		if k.KeyType == types.KeyTypeHash {
			hash = aws.ToString(k.AttributeName)
		}
	}
	typ := ""
	for _, a := range d.AttributeDefinitions {
		if aws.ToString(a.AttributeName) == hash {
			typ = string(a.AttributeType)
		}
	}
	step.Current = fmt.Sprintf("%s (%s) hash key", hash, typ)
	if hash == lockKey && typ == string(types.ScalarAttributeTypeS) && len(d.KeySchema) == 1 {
		step.Status = OK
		r.add(step)
		return true
	}
	step.Status = Failed
	step.Detail = "a table's key cannot be changed; OpenTofu locks need a table whose only key is LockID (string): pick another --table"
	r.add(step)
	return false
}

func (r *runner) sseSpec() *types.SSESpecification {
	s := &types.SSESpecification{Enabled: aws.Bool(true), SSEType: types.SSETypeKms}
	if len(r.keys) > 0 {
		s.KMSMasterKeyId = aws.String(r.keys[0])
	}
	return s
}

// waitActive polls until the table is ACTIVE.
func (r *runner) waitActive(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.PollTimeout)
	defer cancel()
	for {
		d, err := r.describe(ctx)
		if err != nil && !hasCode(err, "ResourceNotFoundException") {
			return fmt.Errorf("waiting for table %s: %s", r.opts.Table, errText(err))
		}
		if d != nil && d.TableStatus == types.TableStatusActive {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("table %s is not ACTIVE after %s", r.opts.Table, r.opts.PollTimeout)
		case <-time.After(r.opts.Poll):
		}
	}
}

func (r *runner) tableSSE() setting {
	want := "KMS"
	if len(r.keys) > 0 {
		want += " with key " + r.keys[min(2, len(r.keys)-1)]
	}
	return setting{
		name: "encryption", want: want, setAtCreate: true,
		get: func(ctx context.Context) (bool, string, error) {
			d, err := r.describe(ctx)
			if err != nil {
				return false, "", err
			}
			s := d.SSEDescription
			if s == nil {
				// DynamoDB always encrypts; no SSEDescription means an AWS-owned key.
				return false, "AWS-owned key", nil
			}
			cur := fmt.Sprintf("%s %s", s.SSEType, s.Status)
			if s.KMSMasterKeyArn != nil {
				cur += " key " + *s.KMSMasterKeyArn
			}
			ok := s.SSEType == types.SSETypeKms && (s.Status == types.SSEStatusEnabled || s.Status == types.SSEStatusEnabling || s.Status == types.SSEStatusUpdating) &&
				(len(r.keys) == 0 || keyMatches(aws.ToString(s.KMSMasterKeyArn), r.keys))
			return ok, cur, nil
		},
		put: func(ctx context.Context) error {
			if _, err := r.ddb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(r.opts.Table), SSESpecification: r.sseSpec()}); err != nil {
				return err
			}
			return r.waitActive(ctx)
		},
		putUnsupported: unsupportedTableUpdate,
	}
}

func (r *runner) tablePITR() setting {
	return setting{
		name: "point-in-time recovery", want: "ENABLED",
		get: func(ctx context.Context) (bool, string, error) {
			out, err := r.ddb.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(r.opts.Table)})
			if err != nil {
				return false, "", err
			}
			cur := "DISABLED"
			if d := out.ContinuousBackupsDescription; d != nil && d.PointInTimeRecoveryDescription != nil {
				cur = string(d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus)
			}
			return cur == string(types.PointInTimeRecoveryStatusEnabled), cur, nil
		},
		put: func(ctx context.Context) error {
			// A table created moments ago answers ContinuousBackupsUnavailableException
			// until its backups are ready: wait for it.
			ctx, cancel := context.WithTimeout(ctx, r.opts.PollTimeout)
			defer cancel()
			for {
				_, err := r.ddb.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{
					TableName: aws.String(r.opts.Table),
					PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{
						PointInTimeRecoveryEnabled: aws.Bool(true),
					},
				})
				if !hasCode(err, "ContinuousBackupsUnavailableException") {
					return err
				}
				select {
				case <-ctx.Done():
					return fmt.Errorf("point-in-time recovery still unavailable after %s: %s", r.opts.PollTimeout, errText(err))
				case <-time.After(r.opts.Poll):
				}
			}
		},
	}
}

func (r *runner) tableDeletionProtection() setting {
	return setting{
		name: "deletion protection", want: "on",
		get: func(ctx context.Context) (bool, string, error) {
			d, err := r.describe(ctx)
			if err != nil {
				return false, "", err
			}
			if aws.ToBool(d.DeletionProtectionEnabled) {
				return true, "on", nil
			}
			return false, "off", nil
		},
		put: func(ctx context.Context) error {
			if _, err := r.ddb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(r.opts.Table), DeletionProtectionEnabled: aws.Bool(true)}); err != nil {
				return err
			}
			return r.waitActive(ctx)
		},
		putUnsupported: unsupportedTableUpdate,
	}
}

// unsupportedTableUpdate is unsupported plus the answer of a server that drops an
// UpdateTable parameter it does not know and then finds nothing to update (dynalite
// says "At least one of ProvisionedThroughput, BillingMode, ... is required").
func unsupportedTableUpdate(err error) (string, bool) {
	if code, ok := unsupported(err); ok {
		return code, true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ValidationException" && strings.HasPrefix(ae.ErrorMessage(), "At least one of") {
		return "ValidationException: the server dropped the parameter and found nothing to update", true
	}
	return "", false
}
