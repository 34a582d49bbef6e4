package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// The command end to end against gofakes3 for S3 and a DynamoDB endpoint that is down:
// the S3 part is done and reported, the table step fails with exit code 1.
func TestBootstrapCommandDryRunAndFailure(t *testing.T) {
	srv := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	defer srv.Close()
	down := httptest.NewServer(nil)
	down.Close()
	env := map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "eu-central-1"}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		app := App{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
		code := Main(context.Background(), app, append([]string{"bootstrap", "--account-id", "123456789012",
			"--endpoint-s3", srv.URL, "--endpoint-dynamodb", down.URL, "--wait", "1s"}, args...))
		return code, out.String(), errb.String()
	}

	code, out, _ := run("--dry-run", "--json", "--detailed-exitcode", "--no-access-logs")
	if code != 1 { // the dynamodb endpoint is down
		t.Fatalf("dry run exit %d, want 1\n%s", code, out)
	}
	var rep struct {
		Bucket    string
		LogBucket string `json:"log_bucket"`
		DryRun    bool   `json:"dry_run"`
		Steps     []struct{ Resource, Setting, Status string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json report: %v\n%s", err, out)
	}
	if !rep.DryRun || rep.LogBucket != "" || rep.Steps[0].Status != "would create" {
		t.Errorf("report %+v", rep)
	}

	code, out, errs := run()
	if code != 1 || !strings.Contains(errs, "bootstrap: 1 step(s) failed") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"s3://terraform-state-123456789012-eu-central-1\n", "versioning           set", "dynamodb:terraform-locks\n  exists  failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBootstrapCommandBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--account-id", "1"}, map[string]string{"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "x"}, "account id \"1\" is not 12 digits"},
		{[]string{"--account-id", "123456789012"}, map[string]string{}, "no region"},
		{[]string{"--account-id", "123456789012", "--region", "eu-central-1", "--endpoint-s3", "ftp://x"}, map[string]string{}, "--endpoint-s3 \"ftp://x\" is not an http(s) URL"},
		{[]string{"--account-id", "123456789012", "--region", "eu-central-1", "--sse", "rot13"}, map[string]string{"AWS_ACCESS_KEY_ID": "x"}, "SSE algorithm \"rot13\""},
	} {
		var out, errb bytes.Buffer
		app := App{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return tc.env[k] }}
		code := Main(context.Background(), app, append([]string{"bootstrap"}, tc.args...))
		if code != 1 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errb.String(), tc.want)
		}
	}
}
