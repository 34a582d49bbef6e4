package state

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Environment variables that carry the store's credentials from `olechka state serve`
// (which prints them) to olechka plan/apply/pipeline, which hand them to OpenTofu as
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
const (
	EnvAccessKey = "OLECHKA_STATE_ACCESS_KEY"
	EnvSecretKey = "OLECHKA_STATE_SECRET_KEY"
)

// minSecretLen is the shortest secret a store on a non-loopback address accepts.
const minSecretLen = 32

// maxSkew is how far a request's X-Amz-Date may be from the store's clock, as S3's.
const maxSkew = 15 * time.Minute

// maxSignedBody bounds the body the store reads to check x-amz-content-sha256.
const maxSignedBody = 512 << 20

// Credentials are the key pair that every request to the store must be signed with
// (AWS Signature Version 4, what OpenTofu's s3 backend sends). The secret never
// travels: the store recomputes each signature from it.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// IsZero reports whether no credentials are set.
func (c Credentials) IsZero() bool { return c.AccessKeyID == "" && c.SecretAccessKey == "" }

// NewCredentials returns a random key pair: an access key id shaped like AWS's
// (20 characters, "OLK" then 17 of A-Z2-7) and a 40-character secret (240 random bits).
func NewCredentials() (Credentials, error) {
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	const secret = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	id, err := randomString(17, upper)
	if err != nil {
		return Credentials{}, err
	}
	key, err := randomString(40, secret)
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{AccessKeyID: "OLK" + id, SecretAccessKey: key}, nil
}

func randomString(n int, alphabet string) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random credentials: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)] // both alphabets divide 256: no bias
	}
	return string(b), nil
}

// CredentialsFromEnv reads OLECHKA_STATE_ACCESS_KEY and OLECHKA_STATE_SECRET_KEY.
// ok is false when neither is set; one without the other is an error.
func CredentialsFromEnv(getenv func(string) string) (c Credentials, ok bool, err error) {
	c = Credentials{AccessKeyID: getenv(EnvAccessKey), SecretAccessKey: getenv(EnvSecretKey)}
	switch {
	case c.IsZero():
		return c, false, nil
	case c.AccessKeyID == "" || c.SecretAccessKey == "":
		return Credentials{}, false, fmt.Errorf("%s and %s go together: set both or neither", EnvAccessKey, EnvSecretKey)
	}
	return c, true, nil
}

// Env is the environment that points OLECHKA_STATE_* at these credentials.
func (c Credentials) Env() map[string]string {
	return map[string]string{EnvAccessKey: c.AccessKeyID, EnvSecretKey: c.SecretAccessKey}
}

// TofuEnv is the environment that gives OpenTofu's s3 backend these credentials. The
// backend block itself carries none, so they are in no plan file and no
// .terraform/terraform.tfstate. AWS_SESSION_TOKEN and AWS_PROFILE are blanked so that
// a developer's own AWS session is not mixed in.
func (c Credentials) TofuEnv() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":     c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": c.SecretAccessKey,
		"AWS_SESSION_TOKEN":     "",
		"AWS_PROFILE":           "",
	}
}

// authError is an S3 error answer: 403 unless status says otherwise.
type authError struct {
	status  int
	code    string
	message string
}

func (e *authError) Error() string { return e.code + ": " + e.message }

func denied(code, format string, args ...any) error {
	return &authError{status: http.StatusForbidden, code: code, message: fmt.Sprintf(format, args...)}
}

// verifier checks AWS Signature Version 4 on every request.
type verifier struct {
	creds Credentials
	now   func() time.Time
}

// verify checks r's signature and, when the payload hash is a digest, that the body
// matches it (r.Body is replaced by the bytes read). The checks run in this order,
// and the first that fails answers: the Authorization header's form, the access key
// id, the request time, which headers are signed, the payload hash, the signature.
func (v *verifier) verify(r *http.Request) error {
	auth, err := parseAuthorization(r)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(auth.scope[0]), []byte(v.creds.AccessKeyID)) != 1 {
		return denied("InvalidAccessKeyId", "the access key id is not this store's")
	}
	amzDate, err := v.checkDate(r, auth.scope[1])
	if err != nil {
		return err
	}
	names, err := checkSignedHeaders(r, auth.signedHeaders)
	if err != nil {
		return err
	}
	payload, err := checkPayload(r)
	if err != nil {
		return err
	}
	want := v.signature(r, auth, names, amzDate, payload)
	if !hmac.Equal([]byte(want), []byte(auth.signature)) {
		return denied("SignatureDoesNotMatch", "the request signature does not match the one computed with this store's secret")
	}
	return nil
}

// sigv4Algo is the only signature algorithm the store accepts.
const sigv4Algo = "AWS4-HMAC-SHA256"

// sigv4Auth is a request's parsed Authorization header.
type sigv4Auth struct {
	scope         []string // access key id, date, region, "s3", "aws4_request"
	signedHeaders string   // header names joined by ";"
	signature     string
}

// parseAuthorization reads the Authorization header: present (not a presigned URL),
// AWS4-HMAC-SHA256, with a five-part s3 credential scope, signed headers and a signature.
func parseAuthorization(r *http.Request) (sigv4Auth, error) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		if r.URL.Query().Get("X-Amz-Signature") != "" {
			return sigv4Auth{}, denied("AccessDenied", "presigned URLs are not accepted by the olechka state store")
		}
		return sigv4Auth{}, denied("AccessDenied", "unsigned request: the olechka state store needs requests signed with its credentials (AWS Signature Version 4)")
	}
	fields, ok := strings.CutPrefix(authz, sigv4Algo+" ")
	if !ok {
		return sigv4Auth{}, denied("AccessDenied", "only %s signatures are accepted", sigv4Algo)
	}
	var credential string
	var auth sigv4Auth
	for _, f := range strings.Split(fields, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(f), "=")
		switch k {
		case "Credential":
			credential = val
		case "SignedHeaders":
			auth.signedHeaders = val
		case "Signature":
			auth.signature = val
		}
	}
	auth.scope = strings.Split(credential, "/")
	if len(auth.scope) != 5 || auth.scope[3] != "s3" || auth.scope[4] != "aws4_request" || auth.signedHeaders == "" || auth.signature == "" {
		return sigv4Auth{}, denied("AuthorizationHeaderMalformed", "the Authorization header is malformed")
	}
	return auth, nil
}

// checkDate checks that X-Amz-Date is on the credential scope's day and within
// maxSkew of the store's clock, and returns it.
func (v *verifier) checkDate(r *http.Request, scopeDay string) (string, error) {
	amzDate := r.Header.Get("X-Amz-Date")
	at, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || amzDate[:8] != scopeDay {
		return "", denied("AccessDenied", "X-Amz-Date is missing or does not match the credential scope")
	}
	if skew := v.now().Sub(at); skew > maxSkew || skew < -maxSkew {
		return "", denied("RequestTimeTooSkewed", "the request time differs from the store's by %s", skew.Round(time.Second))
	}
	return amzDate, nil
}

// checkSignedHeaders checks that host and every x-amz-* header the request carries
// are signed, and returns the signed header names.
func checkSignedHeaders(r *http.Request, signedHeaders string) ([]string, error) {
	names := strings.Split(signedHeaders, ";")
	signed := map[string]bool{}
	for _, n := range names {
		signed[n] = true
	}
	if !signed["host"] {
		return nil, denied("AccessDenied", "the host header must be signed")
	}
	for k := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") && !signed[lk] {
			return nil, denied("AccessDenied", "header %s is not signed", lk)
		}
	}
	return names, nil
}

// checkPayload returns x-amz-content-sha256 after checking the body against it when
// it is a digest (an unsigned or streaming payload is not hashed by the client).
func checkPayload(r *http.Request) (string, error) {
	payload := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case payload == "UNSIGNED-PAYLOAD", strings.HasPrefix(payload, "STREAMING-"):
		// The signature covers the headers; the body is not hashed by the client.
	case len(payload) == 64:
		if err := checkBody(r, payload); err != nil {
			return "", err
		}
	default:
		return "", &authError{status: http.StatusBadRequest, code: "InvalidRequest", message: "x-amz-content-sha256 is missing or invalid"}
	}
	return payload, nil
}

// signature computes the request's SigV4 signature with the store's secret: the
// canonical request, the string to sign over its hash, and the key derived along the
// credential scope.
func (v *verifier) signature(r *http.Request, auth sigv4Auth, names []string, amzDate, payload string) string {
	canonical := strings.Join([]string{
		r.Method,
		canonicalURI(r),
		canonicalQuery(r.URL.RawQuery),
		canonicalHeaders(r, names),
		auth.signedHeaders,
		payload,
	}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{sigv4Algo, amzDate, strings.Join(auth.scope[1:], "/"), hex.EncodeToString(sum[:])}, "\n")
	key := []byte("AWS4" + v.creds.SecretAccessKey)
	for _, part := range auth.scope[1:] {
		key = hmacSHA256(key, part)
	}
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// checkBody reads the body and compares its SHA-256 with the signed digest.
func checkBody(r *http.Request, digest string) error {
	if r.Body == nil || r.Body == http.NoBody {
		r.Body = http.NoBody
		if digest != emptySHA256 {
			return &authError{status: http.StatusBadRequest, code: "XAmzContentSHA256Mismatch", message: "the body does not match x-amz-content-sha256"}
		}
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSignedBody+1))
	r.Body.Close()
	if err != nil {
		return &authError{status: http.StatusBadRequest, code: "IncompleteBody", message: "reading the body: " + err.Error()}
	}
	if len(body) > maxSignedBody {
		return &authError{status: http.StatusBadRequest, code: "EntityTooLarge", message: "the body is larger than the store checks"}
	}
	sum := sha256.Sum256(body)
	if !strings.EqualFold(hex.EncodeToString(sum[:]), digest) {
		return &authError{status: http.StatusBadRequest, code: "XAmzContentSHA256Mismatch", message: "the body does not match x-amz-content-sha256"}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// canonicalURI is the path exactly as the client sent it (S3 signs the path encoded
// once, as sent; it does not encode it again).
func canonicalURI(r *http.Request) string {
	p := r.RequestURI
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if !strings.HasPrefix(p, "/") { // absolute-form request line
		p = r.URL.EscapedPath()
	}
	if p == "" {
		p = "/"
	}
	return p
}

// canonicalQuery sorts the query's parameters by name, then value, each encoded as
// SigV4 asks (RFC 3986 unreserved characters kept, everything else %XX).
func canonicalQuery(raw string) string {
	type kv struct{ k, v string }
	var params []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		params = append(params, kv{sigv4Escape(k), sigv4Escape(v)})
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i].k != params[j].k {
			return params[i].k < params[j].k
		}
		return params[i].v < params[j].v
	})
	out := make([]string, len(params))
	for i, p := range params {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

func sigv4Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// canonicalHeaders renders the signed headers, one "name:value\n" each.
func canonicalHeaders(r *http.Request, names []string) string {
	var b strings.Builder
	for _, n := range names {
		var values []string
		switch n {
		case "host":
			values = []string{r.Host}
		case "content-length":
			values = r.Header.Values(n)
			if len(values) == 0 && r.ContentLength >= 0 {
				values = []string{fmt.Sprint(r.ContentLength)}
			}
		default:
			values = r.Header.Values(n)
		}
		trimmed := make([]string, len(values))
		for i, v := range values {
			trimmed[i] = strings.Join(strings.Fields(v), " ")
		}
		b.WriteString(n + ":" + strings.Join(trimmed, ",") + "\n")
	}
	return b.String()
}
