package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// do sends a raw request and returns the status, the body and the headers.
func do(t *testing.T, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func corsHeaders(h http.Header) []string {
	var out []string
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			out = append(out, k)
		}
	}
	return out
}

// sign signs req as the AWS SDK would, with payload hash of body.
func sign(t *testing.T, req *http.Request, c Credentials, body []byte, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).SignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}, req, hash, "s3", "eu-central-1", at)
	if err != nil {
		t.Fatal(err)
	}
}

func exists(ctx context.Context, t *testing.T, s *Server, bucket, key string) bool {
	t.Helper()
	_, err := client(s).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	return err == nil
}

// TestWebPageCannotReachState replays issue 14's attack: a web page open in a browser
// sends requests to the store on loopback. It gets no CORS headers (so the browser
// shows it nothing), and the store refuses the requests themselves (so a form POST or
// a no-cors PUT changes nothing either), even with a DNS-rebound host name.
func TestWebPageCannotReachState(t *testing.T) {
	ctx := t.Context()
	s, err := Serve(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := put(ctx, client(s), "prod/db/terraform.tfstate", `{"secret":"hunter2"}`, false); err != nil {
		t.Fatal(err)
	}

	// The CORS preflight a page's fetch(..., {method: "PUT"}) sends first.
	req, _ := http.NewRequest(http.MethodOptions, s.URL()+"/tf-state/prod/db/terraform.tfstate", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	status, _, h := do(t, req)
	if status != http.StatusForbidden || len(corsHeaders(h)) > 0 {
		t.Errorf("preflight: %d, CORS headers %v; want 403 and none", status, corsHeaders(h))
	}

	// A simple GET (no preflight) with the headers a browser adds.
	req, _ = http.NewRequest(http.MethodGet, s.URL()+"/tf-state/prod/db/terraform.tfstate", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Mode", "cors")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	status, body, h := do(t, req)
	if status != http.StatusForbidden || strings.Contains(body, "hunter2") || len(corsHeaders(h)) > 0 {
		t.Errorf("browser GET: %d %q, CORS headers %v", status, body, corsHeaders(h))
	}

	// A no-cors PUT overwriting the state, and a form POST creating an object.
	req, _ = http.NewRequest(http.MethodPut, s.URL()+"/tf-state/prod/db/terraform.tfstate", strings.NewReader(`{}`))
	req.Header.Set("Origin", "null")
	req.Header.Set("Sec-Fetch-Mode", "no-cors")
	if status, _, _ := do(t, req); status != http.StatusForbidden {
		t.Errorf("browser PUT: %d", status)
	}
	req, _ = http.NewRequest(http.MethodPost, s.URL()+"/tf-state", strings.NewReader("key=pwned&file=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if status, _, _ := do(t, req); status != http.StatusForbidden {
		t.Errorf("form POST: %d", status)
	}

	// DNS rebinding: the page's own name now resolves to 127.0.0.1, so the browser
	// calls it same-origin and sends no Origin on a GET; the Host header still names it.
	req, _ = http.NewRequest(http.MethodGet, s.URL()+"/tf-state/prod/db/terraform.tfstate", nil)
	req.Host = "evil.example:" + strings.Split(s.Addr(), ":")[1]
	if status, body, _ := do(t, req); status != http.StatusForbidden || strings.Contains(body, "hunter2") {
		t.Errorf("rebound GET: %d %q", status, body)
	}

	if got := get(ctx, t, client(s), "prod/db/terraform.tfstate"); got != `{"secret":"hunter2"}` {
		t.Errorf("state changed: %s", got)
	}
	if exists(ctx, t, s, "tf-state", "pwned") {
		t.Error("the form POST created an object")
	}
}

// TestUnsignedAndWronglySignedRefused: a client without the run's credentials (curl,
// another tool, a tofu with someone else's keys) reads and writes nothing.
func TestUnsignedAndWronglySignedRefused(t *testing.T) {
	ctx := t.Context()
	s, err := Serve(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := client(s)
	if err := put(ctx, c, "dev/vpc/terraform.tfstate", "state", false); err != nil {
		t.Fatal(err)
	}
	// Signed requests get no CORS headers either.
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/tf-state/dev/vpc/terraform.tfstate", nil)
	sign(t, req, s.Credentials(), nil, time.Now())
	if status, body, h := do(t, req); status != http.StatusOK || body != "state" || len(corsHeaders(h)) > 0 {
		t.Errorf("signed GET: %d %q, CORS headers %v", status, body, corsHeaders(h))
	}

	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodHead} {
		req, _ := http.NewRequest(method, s.URL()+"/tf-state/dev/vpc/terraform.tfstate", strings.NewReader("x"))
		if status, body, _ := do(t, req); status != http.StatusForbidden || body == "state" {
			t.Errorf("unsigned %s: %d %q", method, status, body)
		}
	}
	other, _ := NewCredentials()
	cases := map[string]Credentials{
		"InvalidAccessKeyId":    other,
		"SignatureDoesNotMatch": {AccessKeyID: s.Credentials().AccessKeyID, SecretAccessKey: other.SecretAccessKey},
	}
	for code, creds := range cases {
		bad := clientWith(s.URL(), creds)
		if _, err := bad.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tf-state"), Key: aws.String("dev/vpc/terraform.tfstate")}); !hasCode(err, code) {
			t.Errorf("GetObject with %s: %v", code, err)
		}
		if err := put(ctx, bad, "dev/vpc/terraform.tfstate", "overwritten", false); !hasCode(err, code) {
			t.Errorf("PutObject with %s: %v", code, err)
		}
	}
	if got := get(ctx, t, c, "dev/vpc/terraform.tfstate"); got != "state" {
		t.Errorf("state overwritten: %q", got)
	}
}

// TestSignatureCoversRequest: a signed request changed after signing (another body,
// another key, an added x-amz header) or replayed later is refused.
func TestSignatureCoversRequest(t *testing.T) {
	ctx := t.Context()
	s, err := Serve(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	creds := s.Credentials()
	newPut := func(key, body string) *http.Request {
		req, _ := http.NewRequest(http.MethodPut, s.URL()+"/tf-state/"+key, strings.NewReader(body))
		sign(t, req, creds, []byte(body), time.Now())
		return req
	}
	if status, body, _ := do(t, newPut("a b/ü+x.tfstate", "ok")); status != http.StatusOK {
		t.Fatalf("signed PUT of a key with space, + and ü: %d %s", status, body)
	}

	req := newPut("k", "original")
	req.Body = io.NopCloser(strings.NewReader("tampered"))
	req.ContentLength = int64(len("tampered"))
	if status, body, _ := do(t, req); status != http.StatusBadRequest || !strings.Contains(body, "XAmzContentSHA256Mismatch") {
		t.Errorf("body swapped after signing: %d %s", status, body)
	}
	req = newPut("k", "original")
	req.URL.Path = "/tf-state/other"
	if status, body, _ := do(t, req); status != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Errorf("key changed after signing: %d %s", status, body)
	}
	req = newPut("k", "original")
	req.Header.Set("X-Amz-Meta-Owner", "mallory")
	if status, _, _ := do(t, req); status != http.StatusForbidden {
		t.Errorf("unsigned x-amz header added: %d", status)
	}
	req, _ = http.NewRequest(http.MethodPut, s.URL()+"/tf-state/k", bytes.NewReader([]byte("old")))
	sign(t, req, creds, []byte("old"), time.Now().Add(-20*time.Minute))
	if status, body, _ := do(t, req); status != http.StatusForbidden || !strings.Contains(body, "RequestTimeTooSkewed") {
		t.Errorf("request signed 20 minutes ago: %d %s", status, body)
	}
	req, _ = http.NewRequest(http.MethodGet, s.URL()+"/tf-state/k?X-Amz-Signature=abc&X-Amz-Credential=x", nil)
	if status, body, _ := do(t, req); status != http.StatusForbidden || !strings.Contains(body, "presigned") {
		t.Errorf("presigned URL: %d %s", status, body)
	}
	if exists(ctx, t, s, "tf-state", "k") || exists(ctx, t, s, "tf-state", "other") {
		t.Error("a refused PUT wrote an object")
	}
	// A list with query parameters needing encoding is signed and checked the same way.
	out, err := client(s).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("tf-state"), Prefix: aws.String("a b/ü+"), Delimiter: aws.String("/")})
	if err != nil || len(out.Contents) != 1 {
		t.Errorf("list with an encoded prefix: %v %v", out, err)
	}
}

func TestServeAddressPolicy(t *testing.T) {
	ctx := t.Context()
	strong := Credentials{AccessKeyID: "OLKREMOTE", SecretAccessKey: strings.Repeat("s", minSecretLen)}
	cases := []struct {
		name string
		opts Options
		want string // "" = starts
	}{
		{"all interfaces", Options{Addr: "0.0.0.0:0"}, "not a loopback address"},
		{"empty host", Options{Addr: ":0"}, "not a loopback address"},
		{"a host name", Options{Addr: "example.com:0"}, "not a loopback address"},
		{"remote without credentials", Options{Addr: "0.0.0.0:0", AllowRemote: true}, "needs explicit credentials"},
		{"remote with a short secret", Options{Addr: "0.0.0.0:0", AllowRemote: true,
			Credentials: Credentials{AccessKeyID: "a", SecretAccessKey: "short"}}, "at least 32"},
		{"half credentials", Options{Credentials: Credentials{AccessKeyID: "a"}}, "both"},
		{"remote with a strong secret", Options{Addr: "0.0.0.0:0", AllowRemote: true, Credentials: strong}, ""},
		{"localhost", Options{Addr: "localhost:0"}, ""},
		{"ipv6 loopback", Options{Addr: "[::1]:0"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Serve(ctx, tc.opts)
			if tc.want == "" {
				if err != nil {
					if strings.Contains(err.Error(), "listen") {
						t.Skipf("cannot listen here: %v", err)
					}
					t.Fatal(err)
				}
				s.Close()
				return
			}
			if err == nil {
				s.Close()
				t.Fatalf("started; want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
	// Given credentials are used as given.
	s, err := Serve(ctx, Options{Credentials: strong})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Credentials() != strong {
		t.Errorf("credentials = %+v", s.Credentials())
	}
}

func TestNewCredentialsRandom(t *testing.T) {
	a, _ := NewCredentials()
	b, _ := NewCredentials()
	if a == b || len(a.AccessKeyID) != 20 || len(a.SecretAccessKey) != 40 || !strings.HasPrefix(a.AccessKeyID, "OLK") {
		t.Errorf("credentials %q %q", a.AccessKeyID, b.AccessKeyID)
	}
	env := map[string]string{EnvAccessKey: a.AccessKeyID}
	if _, _, err := CredentialsFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("an access key without a secret accepted")
	}
	env[EnvSecretKey] = a.SecretAccessKey
	if c, ok, err := CredentialsFromEnv(func(k string) string { return env[k] }); err != nil || !ok || c != a {
		t.Errorf("from env: %v %v %v", c, ok, err)
	}
	if _, ok, err := CredentialsFromEnv(func(string) string { return "" }); ok || err != nil {
		t.Errorf("empty env: %v %v", ok, err)
	}
}

// BenchmarkVerify: the cost of checking one signed request (a 4 KiB PUT: signature and
// body hash), without the network or the store.
func BenchmarkVerify(b *testing.B) {
	creds, _ := NewCredentials()
	v := &verifier{creds: creds, now: time.Now}
	body := bytes.Repeat([]byte("x"), 4096)
	req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/tf-state/dev/vpc/terraform.tfstate", bytes.NewReader(body))
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).SignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}, req, hash, "s3", "eu-central-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	req.RequestURI = req.URL.RequestURI()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		if err := v.verify(req); err != nil {
			b.Fatal(err)
		}
	}
}
