package bootstrap

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const (
	stateRes = "s3://terraform-state-123456789012-eu-central-1"
	logsRes  = "s3://terraform-state-123456789012-eu-central-1-logs (access logs)"
	tableRes = "dynamodb:terraform-locks"
	bucket   = "terraform-state-123456789012-eu-central-1"
)

func stepOf(t *testing.T, r *Report, resource, setting string) Step {
	t.Helper()
	for _, s := range r.Steps {
		if s.Resource == resource && s.Setting == setting {
			return s
		}
	}
	t.Fatalf("no step %s %s in report:\n%s", resource, setting, reportText(r))
	return Step{}
}

func reportText(r *Report) string {
	var b bytes.Buffer
	_ = r.Write(&b)
	return b.String()
}

func mustRun(t *testing.T, s3c S3API, ddb DynamoDBAPI, o Options) *Report {
	t.Helper()
	r, err := Run(context.Background(), Services{S3: s3c, DynamoDB: ddb}, o)
	if err != nil {
		if r != nil {
			t.Fatalf("run: %v\n%s", err, reportText(r))
		}
		t.Fatalf("run: %v", err)
	}
	return r
}

// gofakes3 implements buckets, versioning and objects but none of the other bucket
// sub-resources; dynalite has no continuous backups and drops SSE and deletion
// protection from UpdateTable. Those are reported, not errors.
var gofakes3Unsupported = []string{
	logsRes + " public access block", logsRes + " encryption", logsRes + " bucket policy", logsRes + " lifecycle",
	stateRes + " encryption", stateRes + " public access block", stateRes + " bucket policy", stateRes + " lifecycle", stateRes + " access logging",
	tableRes + " encryption", tableRes + " point-in-time recovery", tableRes + " deletion protection",
}

func unsupportedSteps(r *Report) []string {
	var out []string
	for _, s := range r.Steps {
		if s.Status == Unsupported {
			out = append(out, s.Resource+" "+s.Setting)
		}
	}
	return out
}

func TestGofakes3AndDynaliteFirstRunCreatesSecondChangesNothing(t *testing.T) {
	ctx := context.Background()
	s3c := testS3(startGofakes3(t))
	ddb := testDynamoDB(startDynalite(t))

	first := mustRun(t, s3c, ddb, testOptions())
	for _, rs := range [][2]string{{logsRes, "exists"}, {stateRes, "exists"}, {tableRes, "exists"}} {
		if s := stepOf(t, first, rs[0], rs[1]); s.Status != Created {
			t.Errorf("%s %s: %s, want created", rs[0], rs[1], s.Status)
		}
	}
	if s := stepOf(t, first, stateRes, "versioning"); s.Status != Set {
		t.Errorf("versioning on the new bucket: %s, want set", s.Status)
	}
	if got := unsupportedSteps(first); !slices.Equal(got, gofakes3Unsupported) {
		t.Errorf("unsupported steps:\n got %q\nwant %q", got, gofakes3Unsupported)
	}
	if first.Changed() != 5 || first.Count(Failed) != 0 {
		t.Errorf("first run: %d changed, %d failed; want 5 and 0\n%s", first.Changed(), first.Count(Failed), reportText(first))
	}

	// What the servers now hold.
	v, err := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning after bootstrap: %v %v", v, err)
	}
	d, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(DefaultLockTable)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Table.KeySchema) != 1 || aws.ToString(d.Table.KeySchema[0].AttributeName) != "LockID" || d.Table.KeySchema[0].KeyType != ddbtypes.KeyTypeHash {
		t.Fatalf("key schema %+v", d.Table.KeySchema)
	}
	if d.Table.BillingModeSummary == nil || d.Table.BillingModeSummary.BillingMode != ddbtypes.BillingModePayPerRequest {
		t.Errorf("billing mode %+v, want PAY_PER_REQUEST", d.Table.BillingModeSummary)
	}

	second := mustRun(t, s3c, ddb, testOptions())
	if second.Changed() != 0 || second.Pending() != 0 || len(second.Drifted()) != 0 || second.Count(Failed) != 0 {
		t.Errorf("second run changed something:\n%s", reportText(second))
	}
	if got := unsupportedSteps(second); !slices.Equal(got, gofakes3Unsupported) {
		t.Errorf("second run unsupported:\n got %q\nwant %q", got, gofakes3Unsupported)
	}
	text := reportText(second)
	for _, want := range []string{
		"summary: 6 ok, 0 changed, 0 drifted, 12 unsupported by the server, 0 failed",
		"point-in-time recovery  unsupported  want ENABLED; this server cannot read it (UnknownOperationException)",
		"encryption           unsupported  want aws:kms, bucket key; this server cannot set it (BucketAlreadyExists for a sub-resource request",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	ctx := context.Background()
	s3c := testS3(startGofakes3(t))
	ddb := testDynamoDB(startDynalite(t))
	o := testOptions()
	o.DryRun = true
	r := mustRun(t, s3c, ddb, o)
	if r.Changed() != 0 || r.Pending() != 17 {
		t.Errorf("dry run: %d changed, %d pending; want 0 and 17\n%s", r.Changed(), r.Pending(), reportText(r))
	}
	if s := stepOf(t, r, stateRes, "exists"); s.Status != WouldCreate {
		t.Errorf("state bucket: %s", s.Status)
	}
	if _, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err == nil {
		t.Error("dry run created the bucket")
	}
	if _, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(DefaultLockTable)}); !hasCode(err, "ResourceNotFoundException") {
		t.Errorf("dry run: table lookup says %v, want ResourceNotFoundException", err)
	}
	if !strings.Contains(reportText(r), "(dry run: nothing is changed)") {
		t.Error("the report does not say it is a dry run")
	}
}

func TestVersioningDriftIsReportedAndFixed(t *testing.T) {
	ctx := context.Background()
	s3c := testS3(startGofakes3(t))
	ddb := testDynamoDB(startDynalite(t))
	mustRun(t, s3c, ddb, testOptions())

	if _, err := s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended},
	}); err != nil {
		t.Fatal(err)
	}
	dry := testOptions()
	dry.DryRun = true
	r := mustRun(t, s3c, ddb, dry)
	s := stepOf(t, r, stateRes, "versioning")
	if s.Status != WouldFix || !s.Drift || s.Current != "Suspended" {
		t.Fatalf("dry run versioning step %+v", s)
	}
	if !strings.Contains(reportText(r), "drift: Suspended, want Enabled") {
		t.Errorf("report:\n%s", reportText(r))
	}
	if v, _ := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}); v.Status != types.BucketVersioningStatusSuspended {
		t.Fatalf("dry run changed versioning to %q", v.Status)
	}

	r = mustRun(t, s3c, ddb, testOptions())
	if s := stepOf(t, r, stateRes, "versioning"); s.Status != Fixed || !s.Drift {
		t.Fatalf("versioning step %+v", s)
	}
	if r.Changed() != 1 {
		t.Errorf("fixing drift changed %d things, want 1:\n%s", r.Changed(), reportText(r))
	}
	if v, _ := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}); v.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning is %q after the fix", v.Status)
	}
	if r := mustRun(t, s3c, ddb, testOptions()); r.Changed() != 0 {
		t.Errorf("run after the fix changed %d", r.Changed())
	}
}

func TestWrongKeySchemaFailsWithAdvice(t *testing.T) {
	ctx := context.Background()
	s3c := testS3(startGofakes3(t))
	ddb := testDynamoDB(startDynalite(t))
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(DefaultLockTable),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	r, err := Run(ctx, Services{S3: s3c, DynamoDB: ddb}, testOptions())
	if err == nil || !strings.Contains(err.Error(), "1 step(s) failed") {
		t.Fatalf("err = %v", err)
	}
	s := stepOf(t, r, tableRes, "key schema")
	if s.Status != Failed || s.Current != "id (S) hash key" || !strings.Contains(s.Detail, "LockID") {
		t.Errorf("key schema step %+v", s)
	}
	// The buckets were still handled.
	if s := stepOf(t, r, stateRes, "versioning"); s.Status != Set {
		t.Errorf("versioning %s", s.Status)
	}
}

// fullS3 stands in front of gofakes3 and serves the bucket sub-resources gofakes3 lacks
// (encryption, public access block, policy, lifecycle, logging) the way S3 does: the
// configuration document is stored as sent and returned as is, and a missing one is a
// 404 with S3's error code. It lets the drift tests cover what gofakes3 cannot hold.
type fullS3 struct {
	next http.Handler
	mu   sync.Mutex
	docs map[string][]byte // bucket + "?" + sub-resource
	puts map[string]int
}

var subresourceNotFound = map[string]string{
	"encryption":        "ServerSideEncryptionConfigurationNotFoundError",
	"publicAccessBlock": "NoSuchPublicAccessBlockConfiguration",
	"policy":            "NoSuchBucketPolicy",
	"lifecycle":         "NoSuchLifecycleConfiguration",
	"logging":           "",
}

func (f *fullS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	if path == "" || strings.Contains(path, "/") {
		f.next.ServeHTTP(w, r)
		return
	}
	for sub, notFound := range subresourceNotFound {
		if _, ok := r.URL.Query()[sub]; !ok {
			continue
		}
		key := path + "?" + sub
		f.mu.Lock()
		defer f.mu.Unlock()
		switch r.Method {
		case http.MethodPut:
			body, _ := io.ReadAll(r.Body)
			f.docs[key] = body
			f.puts[sub]++
			w.WriteHeader(http.StatusOK)
		case http.MethodDelete:
			delete(f.docs, key)
			w.WriteHeader(http.StatusNoContent)
		case http.MethodGet:
			doc, ok := f.docs[key]
			switch {
			case ok:
				_, _ = w.Write(doc)
			case notFound == "": // logging off
				_, _ = io.WriteString(w, `<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></BucketLoggingStatus>`)
			default:
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, "<Error><Code>"+notFound+"</Code><Message>not configured</Message></Error>")
			}
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
		return
	}
	f.next.ServeHTTP(w, r)
}

func startFullS3(t *testing.T) (*fullS3, *s3.Client) {
	t.Helper()
	f := &fullS3{
		next: gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog())).Server(),
		docs: map[string][]byte{}, puts: map[string]int{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, testS3(srv.URL)
}

func TestEncryptionPolicyAndLifecycleDriftOnAFullS3(t *testing.T) {
	ctx := context.Background()
	full, s3c := startFullS3(t)
	ddb := testDynamoDB(startDynalite(t))

	first := mustRun(t, s3c, ddb, testOptions())
	for _, set := range []string{"versioning", "encryption", "public access block", "bucket policy", "lifecycle", "access logging"} {
		if s := stepOf(t, first, stateRes, set); s.Status != Set {
			t.Errorf("state bucket %s: %s %s", set, s.Status, s.Detail)
		}
	}
	if second := mustRun(t, s3c, ddb, testOptions()); second.Changed() != 0 || second.Count(Unsupported) != 3 {
		t.Fatalf("second run on a full S3:\n%s", reportText(second))
	}
	puts := full.puts["encryption"]

	// Someone drops encryption, turns versioning off, replaces the policy with one of
	// their own and adds a lifecycle rule of their own.
	if _, err := s3c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	foreign := `{"Version":"2012-10-17","Statement":{"Sid":"ReadOnlyAuditor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/auditor"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}}`
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(foreign)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("tmp"), Status: types.ExpirationStatusEnabled,
			Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)},
		}}}}); err != nil {
		t.Fatal(err)
	}

	r := mustRun(t, s3c, ddb, testOptions())
	for set, cur := range map[string]string{"encryption": "none", "versioning": "Suspended", "bucket policy": "missing DenyInsecureTransport", "lifecycle": "1 rule(s), none expiring what is wanted bucket-wide"} {
		s := stepOf(t, r, stateRes, set)
		if s.Status != Fixed || !s.Drift || s.Current != cur {
			t.Errorf("%s step %+v, want fixed drift from %q", set, s, cur)
		}
	}
	if len(r.Drifted()) != 4 || r.Changed() != 4 {
		t.Errorf("drifted %d, changed %d; want 4, 4\n%s", len(r.Drifted()), r.Changed(), reportText(r))
	}
	if full.puts["encryption"] != puts+1 {
		t.Errorf("encryption was put %d times", full.puts["encryption"]-puts)
	}

	enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	rule := enc.ServerSideEncryptionConfiguration.Rules[0]
	if rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAwsKms || !aws.ToBool(rule.BucketKeyEnabled) {
		t.Errorf("encryption after fix: %+v", rule)
	}
	pol, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDoc
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 2 || doc.Statement[0]["Sid"] != "ReadOnlyAuditor" || !isTLSDeny(doc.Statement[1]) {
		t.Errorf("policy after fix keeps the auditor and adds TLS-only: %s", aws.ToString(pol.Policy))
	}
	lc, err := s3c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, rule := range lc.Rules {
		ids = append(ids, aws.ToString(rule.ID))
	}
	if !slices.Equal(ids, []string{"tmp", lifecycleRuleNoncurrent}) {
		t.Errorf("lifecycle rules after fix: %v", ids)
	}

	// AES256 instead of KMS is drift too; a KMS key asked for by alias is matched.
	if _, err := s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}}}}}); err != nil {
		t.Fatal(err)
	}
	o := testOptions()
	o.KMSKeyID = "alias/terraform-state"
	r = mustRun(t, s3c, ddb, o)
	if s := stepOf(t, r, stateRes, "encryption"); s.Status != Fixed || s.Current != "AES256" {
		t.Errorf("AES256 -> KMS: %+v", s)
	}
	if r := mustRun(t, s3c, ddb, o); stepOf(t, r, stateRes, "encryption").Status != OK {
		t.Errorf("after fix with alias: %+v", stepOf(t, r, stateRes, "encryption"))
	}
}

// pitrDynamo wraps a real (dynalite) client with AWS's behaviour dynalite lacks: point-in-
// time recovery, which a new table refuses for a while (ContinuousBackupsUnavailable).
type pitrDynamo struct {
	DynamoDBAPI
	refusals int
	enabled  bool
	calls    int
}

func (p *pitrDynamo) DescribeContinuousBackups(context.Context, *dynamodb.DescribeContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error) {
	st := ddbtypes.PointInTimeRecoveryStatusDisabled
	if p.enabled {
		st = ddbtypes.PointInTimeRecoveryStatusEnabled
	}
	return &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &ddbtypes.ContinuousBackupsDescription{
		ContinuousBackupsStatus:        ddbtypes.ContinuousBackupsStatusEnabled,
		PointInTimeRecoveryDescription: &ddbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: st},
	}}, nil
}

func (p *pitrDynamo) UpdateContinuousBackups(context.Context, *dynamodb.UpdateContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateContinuousBackupsOutput, error) {
	p.calls++
	if p.calls <= p.refusals {
		return nil, &ddbtypes.ContinuousBackupsUnavailableException{Message: aws.String("Backups are being enabled for the table")}
	}
	p.enabled = true
	return &dynamodb.UpdateContinuousBackupsOutput{}, nil
}

func TestPointInTimeRecoveryWaitsForANewTable(t *testing.T) {
	s3c := testS3(startGofakes3(t))
	ddb := &pitrDynamo{DynamoDBAPI: testDynamoDB(startDynalite(t)), refusals: 2}
	r := mustRun(t, s3c, ddb, testOptions())
	if s := stepOf(t, r, tableRes, "point-in-time recovery"); s.Status != Set || ddb.calls != 3 {
		t.Errorf("pitr step %+v after %d calls", s, ddb.calls)
	}
	if s := stepOf(t, mustRun(t, s3c, ddb, testOptions()), tableRes, "point-in-time recovery"); s.Status != OK {
		t.Errorf("second run pitr %+v", s)
	}
}
