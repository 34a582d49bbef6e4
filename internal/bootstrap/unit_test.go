package bootstrap

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestOptionsValidation(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{AccountID: "12345", Region: "eu-central-1"}, `account id "12345" is not 12 digits`},
		{Options{AccountID: "123456789012", Region: "Europe"}, `region "Europe" is not an AWS region name`},
		{Options{AccountID: "123456789012", Region: "eu-central-1", Bucket: "Bad_Bucket"}, `bucket name "Bad_Bucket" breaks S3 naming rules`},
		{Options{AccountID: "123456789012", Region: "eu-central-1", Bucket: "b-1", LogBucket: "b-1"}, "must differ"},
		{Options{AccountID: "123456789012", Region: "eu-central-1", Table: "x"}, `table name "x"`},
		{Options{AccountID: "123456789012", Region: "eu-central-1", SSEAlgorithm: "AES256", KMSKeyID: "alias/k"}, "needs the aws:kms algorithm"},
		{Options{AccountID: "123456789012", Region: "eu-central-1", NoncurrentDays: -1}, "retention days must be positive"},
	} {
		_, err := Run(context.Background(), Services{}, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want %q", tc.o, err, tc.want)
		}
	}
	o, err := Options{AccountID: "123456789012", Region: "ap-southeast-1"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.Bucket != "terraform-state-123456789012-ap-southeast-1" || o.LogBucket != o.Bucket+"-logs" || o.Table != "terraform-locks" || o.SSEAlgorithm != "aws:kms" || o.NoncurrentDays != 90 {
		t.Errorf("defaults %+v", o)
	}
	if o, _ := (Options{AccountID: "123456789012", Region: "eu-central-1", LogBucket: "-"}).withDefaults(); o.LogBucket != "" {
		t.Errorf("-: log bucket %q", o.LogBucket)
	}
}

func TestPartition(t *testing.T) {
	for r, p := range map[string]string{"eu-central-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"} {
		if got := Partition(r); got != p {
			t.Errorf("%s: %s", r, got)
		}
	}
}

func TestPolicyDetectionAndMerge(t *testing.T) {
	tls := denyInsecureTransport("aws", "b")
	logs := allowAccessLogs("aws", "b-logs", "b", "123456789012")
	// Hand-written equivalents with other Sids and shapes count.
	doc, err := parsePolicy(`{"Version":"2012-10-17","Statement":[
	  {"Sid":"x","Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":"*","Condition":{"Bool":{"aws:securetransport":false}}},
	  {"Effect":"Allow","Principal":{"Service":["logging.s3.amazonaws.com"]},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::b-logs/*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if m := policyMissing(doc, []map[string]any{tls, logs}); len(m) != 0 {
		t.Errorf("missing %v", sids(m))
	}
	// A Deny on GetObject only is not TLS-only; an Allow over TLS is not a deny.
	doc, _ = parsePolicy(`{"Statement":{"Effect":"Deny","Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`)
	if m := policyMissing(doc, []map[string]any{tls}); len(m) != 1 {
		t.Error("a GetObject-only deny was taken for TLS-only")
	}
	merged, err := mergePolicy(doc, []map[string]any{tls})
	if err != nil {
		t.Fatal(err)
	}
	doc2, _ := parsePolicy(merged)
	if len(doc2.Statement) != 2 || doc2.Version != "2012-10-17" || len(policyMissing(doc2, []map[string]any{tls})) != 0 {
		t.Errorf("merged %s", merged)
	}
	// A stale statement with our Sid is replaced, not duplicated.
	doc3, _ := parsePolicy(`{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Action":"s3:PutObject"}]}`)
	merged, _ = mergePolicy(doc3, policyMissing(doc3, []map[string]any{tls}))
	if strings.Count(merged, "DenyInsecureTransport") != 1 || !strings.Contains(merged, `"Action":"s3:*"`) {
		t.Errorf("merged %s", merged)
	}
	for _, bad := range []string{"<ListBucketResult/>", `{"Statement":3}`, `{"Statement":[1]}`} {
		if _, err := parsePolicy(bad); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}

func TestUnsupportedClassification(t *testing.T) {
	api := func(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }
	for _, tc := range []struct {
		err          error
		generic, sub bool
		table        bool
	}{
		{api("NotImplemented", ""), true, true, true},
		{api("UnknownOperationException", ""), true, true, true},
		{api("BucketAlreadyExists", ""), false, true, false},
		{api("AccessDenied", ""), false, false, false},
		{api("ValidationException", "At least one of ProvisionedThroughput, BillingMode is required"), false, false, true},
		{api("ValidationException", "1 validation error"), false, false, false},
	} {
		_, g := unsupported(tc.err)
		_, s := unsupportedBucketSubresource(tc.err)
		_, tb := unsupportedTableUpdate(tc.err)
		if g != tc.generic || s != tc.sub || tb != tc.table {
			t.Errorf("%v: generic %v sub %v table %v", tc.err, g, s, tb)
		}
	}
	if got := errText(api("AccessDenied", "no")); got != "AccessDenied: no" {
		t.Errorf("errText %q", got)
	}
}

func TestReportWrite(t *testing.T) {
	r := &Report{AccountID: "123456789012", Region: "eu-central-1", Steps: []Step{
		{Resource: "s3://b", Setting: "exists", Status: OK},
		{Resource: "s3://b", Setting: "versioning", Status: Fixed, Drift: true, Current: "Suspended", Want: "Enabled"},
		{Resource: "dynamodb:t", Setting: "point-in-time recovery", Status: Failed, Want: "ENABLED", Detail: "write: AccessDenied"},
	}}
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := `bootstrap account 123456789012, region eu-central-1
s3://b
  exists      ok
  versioning  fixed  drift: Suspended, want Enabled
dynamodb:t
  point-in-time recovery  failed  ENABLED; write: AccessDenied
summary: 1 ok, 1 changed, 1 drifted, 0 unsupported by the server, 1 failed
`
	got := b.String()
	// tabwriter pads the last column of lines without detail; compare without it.
	var trimmed []string
	for _, l := range strings.Split(got, "\n") {
		trimmed = append(trimmed, strings.TrimRight(l, " "))
	}
	if strings.Join(trimmed, "\n") != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
