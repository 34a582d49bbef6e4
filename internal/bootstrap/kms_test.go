package bootstrap

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// fakeKMS answers the five KMS calls bootstrap makes, in KMS's JSON 1.1 protocol.
type fakeKMS struct {
	mu       sync.Mutex
	aliases  map[string]string // alias -> key id
	keys     map[string]*fakeKey
	creates  int
	rotates  int
	failures map[string]string // operation -> error code to answer
}

type fakeKey struct {
	state    string
	rotation bool
}

func (f *fakeKMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	var in map[string]string
	body, _ := io.ReadAll(r.Body)
	var raw map[string]any
	_ = json.Unmarshal(body, &raw)
	in = map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			in[k] = s
		}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fail := func(code, msg string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
	}
	if code, ok := f.failures[op]; ok {
		fail(code, "scripted failure")
		return
	}
	resolve := func(id string) (string, *fakeKey) {
		if k, ok := f.aliases[id]; ok {
			id = k
		}
		return id, f.keys[id]
	}
	meta := func(id string, k *fakeKey) map[string]any {
		return map[string]any{"KeyMetadata": map[string]any{
			"KeyId": id, "Arn": fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", testRegion, testAccount, id),
			"KeyState": k.state, "Enabled": k.state == "Enabled", "KeyManager": "CUSTOMER",
		}}
	}
	switch op {
	case "DescribeKey":
		id, k := resolve(in["KeyId"])
		if k == nil {
			fail("NotFoundException", "Alias "+in["KeyId"]+" is not found.")
			return
		}
		_ = json.NewEncoder(w).Encode(meta(id, k))
	case "CreateKey":
		f.creates++
		id := fmt.Sprintf("0000000%d-1111-2222-3333-444444444444", f.creates)
		f.keys[id] = &fakeKey{state: "Enabled"}
		_ = json.NewEncoder(w).Encode(meta(id, f.keys[id]))
	case "CreateAlias":
		f.aliases[in["AliasName"]] = in["TargetKeyId"]
		_, _ = io.WriteString(w, "{}")
	case "GetKeyRotationStatus":
		_, k := resolve(in["KeyId"])
		_ = json.NewEncoder(w).Encode(map[string]any{"KeyRotationEnabled": k != nil && k.rotation})
	case "EnableKeyRotation":
		f.rotates++
		if _, k := resolve(in["KeyId"]); k != nil {
			k.rotation = true
		}
		_, _ = io.WriteString(w, "{}")
	default:
		fail("UnknownOperationException", op)
	}
}

func startKMS(t *testing.T) (*fakeKMS, *kms.Client) {
	f := &fakeKMS{aliases: map[string]string{}, keys: map[string]*fakeKey{}, failures: map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, kms.New(kms.Options{Region: testRegion, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
}

func TestStateKeyIsCreatedRotatedAndUsed(t *testing.T) {
	ctx := context.Background()
	_, s3c := startFullS3(t)
	ddb := testDynamoDB(startDynalite(t))
	fk, kc := startKMS(t)
	svc := Services{S3: s3c, DynamoDB: ddb, KMS: kc}

	dry := testOptions()
	dry.DryRun = true
	r, err := Run(ctx, svc, dry)
	if err != nil {
		t.Fatal(err)
	}
	if s := stepOf(t, r, "kms:alias/terraform-state", "exists"); s.Status != WouldCreate || fk.creates != 0 {
		t.Fatalf("dry run key step %+v, creates %d", s, fk.creates)
	}
	if s := stepOf(t, r, stateRes, "encryption"); s.Want != "aws:kms with key alias/terraform-state, bucket key" {
		t.Errorf("dry run encryption want %q", s.Want)
	}

	r, err = Run(ctx, svc, testOptions())
	if err != nil {
		t.Fatalf("%v\n%s", err, reportText(r))
	}
	arn := "arn:aws:kms:eu-central-1:123456789012:key/00000001-1111-2222-3333-444444444444"
	if s := stepOf(t, r, "kms:alias/terraform-state", "exists"); s.Status != Created || s.Current != arn {
		t.Errorf("key step %+v", s)
	}
	if s := stepOf(t, r, "kms:alias/terraform-state", "rotation"); s.Status != Set {
		t.Errorf("rotation step %+v", s)
	}
	enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID); got != arn {
		t.Errorf("bucket encrypted with %q, want the state key %s", got, arn)
	}
	if !strings.Contains(reportText(r), "kms:alias/terraform-state\n  exists    created") {
		t.Errorf("report:\n%s", reportText(r))
	}

	r, err = Run(ctx, svc, testOptions())
	if err != nil || r.Changed() != 0 || fk.creates != 1 {
		t.Fatalf("second run: %v, changed %d, creates %d\n%s", err, r.Changed(), fk.creates, reportText(r))
	}

	// Rotation turned off is drift; an encryption with another key is drift too.
	fk.keys["00000001-1111-2222-3333-444444444444"].rotation = false
	o := testOptions()
	r, err = Run(ctx, svc, o)
	if err != nil {
		t.Fatal(err)
	}
	if s := stepOf(t, r, "kms:alias/terraform-state", "rotation"); s.Status != Fixed || s.Current != "disabled" {
		t.Errorf("rotation drift %+v", s)
	}

	// A key scheduled for deletion stops the run before any encryption is touched.
	fk.keys["00000001-1111-2222-3333-444444444444"].state = "PendingDeletion"
	r, err = Run(ctx, svc, o)
	if err == nil {
		t.Fatal("a key pending deletion was accepted")
	}
	if s := stepOf(t, r, "kms:alias/terraform-state", "exists"); s.Status != Failed || !strings.Contains(s.Detail, "PendingDeletion") {
		t.Errorf("key step %+v", s)
	}
	if s := stepOf(t, r, stateRes, "encryption"); s.Status != Failed || !strings.Contains(s.Detail, "no state key") {
		t.Errorf("encryption step %+v", s)
	}
}
