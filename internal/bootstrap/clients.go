package bootstrap

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ClientOptions say how to reach AWS (or S3/DynamoDB-compatible servers).
type ClientOptions struct {
	Region           string
	Profile          string // shared config profile; "" = the default chain
	EndpointS3       string // e.g. http://127.0.0.1:9000; "" = AWS
	EndpointDynamoDB string
	EndpointSTS      string
	EndpointKMS      string
	// Static credentials, when set, replace the default chain (environment, profile,
	// SSO, web identity...).
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Clients are the AWS clients bootstrap needs.
type Clients struct {
	S3       *s3.Client
	DynamoDB *dynamodb.Client
	STS      *sts.Client
	// KMS is nil when S3 or DynamoDB point at custom endpoints and KMS does not: local
	// S3/DynamoDB-compatible servers come without a KMS.
	KMS *kms.Client
}

func checkEndpoint(name, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--endpoint-%s %q is not an http(s) URL", name, raw)
	}
	return nil
}

// NewClients builds the clients from the SDK's default configuration plus opts.
func NewClients(ctx context.Context, opts ClientOptions) (*Clients, error) {
	for name, e := range map[string]string{"s3": opts.EndpointS3, "dynamodb": opts.EndpointDynamoDB, "sts": opts.EndpointSTS, "kms": opts.EndpointKMS} {
		if err := checkEndpoint(name, e); err != nil {
			return nil, err
		}
	}
	var lo []func(*config.LoadOptions) error
	if opts.Region != "" {
		lo = append(lo, config.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.AccessKeyID != "" {
		lo = append(lo, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(opts.AccessKeyID, opts.SecretAccessKey, opts.SessionToken)))
	}
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: pass --region or set AWS_REGION")
	}
	c := &Clients{
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			if opts.EndpointS3 != "" {
				o.BaseEndpoint = aws.String(opts.EndpointS3)
				o.UsePathStyle = true
				// S3-compatible servers rarely know the flexible checksums.
				o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
				o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			}
		}),
		DynamoDB: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if opts.EndpointDynamoDB != "" {
				o.BaseEndpoint = aws.String(opts.EndpointDynamoDB)
			}
		}),
		STS: sts.NewFromConfig(cfg, func(o *sts.Options) {
			if opts.EndpointSTS != "" {
				o.BaseEndpoint = aws.String(opts.EndpointSTS)
			}
		}),
	}
	if opts.EndpointKMS != "" || (opts.EndpointS3 == "" && opts.EndpointDynamoDB == "") {
		c.KMS = kms.NewFromConfig(cfg, func(o *kms.Options) {
			if opts.EndpointKMS != "" {
				o.BaseEndpoint = aws.String(opts.EndpointKMS)
			}
		})
	}
	return c, nil
}

// Services returns the clients as Run takes them.
func (c *Clients) Services() Services {
	s := Services{S3: c.S3, DynamoDB: c.DynamoDB}
	if c.KMS != nil {
		s.KMS = c.KMS
	}
	return s
}

// AccountID asks STS which account the credentials belong to.
func (c *Clients) AccountID(ctx context.Context) (string, error) {
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("find the account id (sts:GetCallerIdentity; pass --account-id to skip): %s", errText(err))
	}
	return aws.ToString(out.Account), nil
}
