package executor

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/state"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func TestParseLockError(t *testing.T) {
	out := `
╷
│ Error: Error acquiring the state lock
│ 
│ Error message: operation error S3: PutObject, https response error
│ StatusCode: 412, RequestID: , HostID: , api error PreconditionFailed: The
│ object already exists
│ Lock Info:
│   ID:        0b4f3a4e-7f5e-2f7c-6c1e-2d0a8f9d9c11
│   Path:      olechka-sandbox-state/dev/network/terraform.tfstate
│   Operation: OperationTypeApply
│   Who:       runner@ci-host
│   Version:   1.10.6
│   Created:   2025-11-25 21:40:01.123456789 +0000 UTC
│   Info:      
│ 
│ 
│ OpenTofu acquires a state lock to protect the state from being written
│ by multiple users at the same time.
╵
`
	le := parseLockError(out)
	if le == nil {
		t.Fatal("lock error not recognised")
	}
	h := le.Holder
	if h.ID != "0b4f3a4e-7f5e-2f7c-6c1e-2d0a8f9d9c11" || h.Who != "runner@ci-host" || h.Operation != "OperationTypeApply" ||
		h.Path != "olechka-sandbox-state/dev/network/terraform.tfstate" || h.Version != "1.10.6" {
		t.Errorf("holder = %+v", h)
	}
	msg := le.Error()
	for _, want := range []string{"locked by runner@ci-host", "Apply", "since 2025-11-25T21:40:01Z", "lock ID 0b4f3a4e"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if parseLockError("Error: something else") != nil {
		t.Error("unrelated error taken for a lock error")
	}
}

func TestSplitSubdir(t *testing.T) {
	cases := []struct{ mod, src, root, sub string }{
		{"/r/modules/vpc", "../../modules//vpc", "/r/modules", "vpc"},
		{"/r/modules/net/vpc", "/r/modules//net/vpc", "/r/modules", "net/vpc"},
		{"/r/modules/vpc", "../../modules/vpc", "/r/modules/vpc", "."},
		{"/r/modules/vpc", "file:///r/modules//vpc", "/r/modules", "vpc"},
		{"/r/x", "../..//../x", "/r/x", "."},
	}
	for _, c := range cases {
		root, sub := splitSubdir(c.mod, c.src)
		if root != c.root || sub != c.sub {
			t.Errorf("splitSubdir(%q, %q) = %q, %q; want %q, %q", c.mod, c.src, root, sub, c.root, c.sub)
		}
	}
}

func TestSplitRemote(t *testing.T) {
	cases := []struct{ src, addr, sub string }{
		{"git::https://example.com/infra.git//modules/vpc?ref=v1.2.0", "git::https://example.com/infra.git?ref=v1.2.0", "modules/vpc"},
		{"git::https://example.com/infra.git?ref=v1", "git::https://example.com/infra.git?ref=v1", "."},
		{"github.com/org/repo//mod", "github.com/org/repo", "mod"},
	}
	for _, c := range cases {
		addr, sub := splitRemote(c.src)
		if addr != c.addr || sub != c.sub {
			t.Errorf("splitRemote(%q) = %q, %q; want %q, %q", c.src, addr, sub, c.addr, c.sub)
		}
	}
}

func TestInputsEnv(t *testing.T) {
	env, err := inputsEnv(cty.ObjectVal(map[string]cty.Value{
		"name":  cty.StringVal("a b"),
		"count": cty.NumberIntVal(3),
		"ids":   cty.TupleVal([]cty.Value{cty.StringVal("x")}),
		"tags":  cty.ObjectVal(map[string]cty.Value{"k": cty.StringVal("v")}),
		"on":    cty.True,
		"none":  cty.NullVal(cty.String),
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := `TF_VAR_count=3|TF_VAR_ids=["x"]|TF_VAR_name=a b|TF_VAR_on=true|TF_VAR_tags={"k":"v"}`
	if got := strings.Join(env, "|"); got != want {
		t.Errorf("env = %s\nwant  %s", got, want)
	}
}

func TestWriteGenerated(t *testing.T) {
	dir := t.TempDir()
	g := config.Generate{Name: "p", Path: "provider.tf", IfExists: "overwrite_terragrunt", Contents: "x = 1\n"}
	if err := writeGenerated(dir, dir, g); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "provider.tf"))
	if string(b) != "# "+Signature+"\nx = 1\n" {
		t.Errorf("generated = %q", b)
	}
	// Ours may be overwritten; a hand-written file may not.
	g.Contents = "x = 2\n"
	if err := writeGenerated(dir, dir, g); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "own.tf"), []byte("y = 1\n"), 0o644)
	if err := writeGenerated(dir, dir, config.Generate{Path: "own.tf", IfExists: "overwrite_terragrunt", Contents: "z"}); err == nil {
		t.Error("hand-written file overwritten")
	}
	if err := writeGenerated(dir, dir, config.Generate{Path: "own.tf", IfExists: "error", Contents: "z"}); err == nil {
		t.Error(`if_exists = "error" ignored`)
	}
	if err := writeGenerated(dir, dir, config.Generate{Path: "own.tf", IfExists: "skip", Contents: "z"}); err != nil {
		t.Error(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "own.tf")); string(b) != "y = 1\n" {
		t.Errorf("skip changed the file: %q", b)
	}
	if err := writeGenerated(dir, dir, config.Generate{Path: "c.tf", IfExists: "overwrite", CommentPrefix: "// ", Contents: "c", DisableSignature: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "c.tf")); string(b) != "c" {
		t.Errorf("disable_signature: %q", b)
	}
	if err := writeGenerated(dir, dir, config.Generate{Path: "provider.tf", Disable: true, IfDisabled: "remove_terragrunt"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "provider.tf")); !os.IsNotExist(err) {
		t.Error("disabled generated file kept")
	}
}

func TestParseVersion(t *testing.T) {
	for out, want := range map[string]string{
		"OpenTofu v1.10.6\non linux_amd64\n": "tofu 1.10.6",
		"Terraform v1.9.8\non linux_amd64":   "terraform 1.9.8",
	} {
		n, v, err := parseVersion(out)
		if err != nil || n+" "+v != want {
			t.Errorf("parseVersion(%q) = %s %s, %v", out, n, v, err)
		}
	}
	if _, _, err := parseVersion("bash 5"); err == nil {
		t.Error("unknown tool accepted")
	}
	if !versionAtLeast("1.10.6", 1, 10) || versionAtLeast("1.9.1", 1, 10) || !versionAtLeast("2.0.0", 1, 10) {
		t.Error("versionAtLeast")
	}
}

// copySandbox copies examples/sandbox into a temporary folder.
func copySandbox(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "sandbox")
	if err := copyTree(filepath.Join(testenv.RepoRoot(t), "examples", "sandbox"), dst, nil); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestRealTofu runs one sandbox unit through init, plan, show, apply and state pull
// against the embedded state store.
func TestRealTofu(t *testing.T) {
	tofu := testenv.Tool(t, "tofu")
	tofurc := testenv.File(t, "tofurc")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv, err := state.Serve(ctx, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tree := copySandbox(t)
	out := t.TempDir()
	env := map[string]string{"OLECHKA_LOCAL": "1", "OLECHKA_STATE_ENDPOINT": srv.URL(), "OLECHKA_SANDBOX_OUT": out}
	ev := config.NewEvaluator(config.Options{
		Getenv:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Command: "plan",
	})
	u, err := ev.Unit(ctx, tree, filepath.Join(tree, "dev/eu-central-1/storage"))
	if err != nil {
		t.Fatal(err)
	}
	tofuEnv := os.Environ()
	for k, v := range srv.Credentials().TofuEnv() { // the store accepts only its own credentials
		tofuEnv = append(tofuEnv, k+"="+v)
	}
	e, err := New(ctx, Options{Binary: tofu, CLIConfigFile: tofurc, WorkRoot: t.TempDir(), LockTimeout: 5 * time.Second,
		PluginCacheDir: t.TempDir(), Env: tofuEnv})
	if err != nil {
		t.Fatal(err)
	}
	if e.Name() != "tofu" || e.Version() != "1.10.6" {
		t.Errorf("tool = %s %s", e.Name(), e.Version())
	}
	var log bytes.Buffer
	w, err := e.Prepare(ctx, u, &log)
	if err != nil {
		t.Fatal(err)
	}
	// The module sits where modules//storage puts it, with the unit's files and the
	// generated ones; modules it does not call are left out.
	if w.Dir != filepath.Join(w.Root, "src", "storage") {
		t.Errorf("working directory %s is not <root>/src/storage (modules//storage)", w.Dir)
	}
	for _, f := range []string{"main.tf", "variables.tf", "backend.tf", "versions_root.tf", "terragrunt.hcl"} {
		if _, err := os.Stat(filepath.Join(w.Dir, f)); err != nil {
			t.Errorf("working directory lacks %s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(w.Dir, "..", "network")); !os.IsNotExist(err) {
		t.Errorf("an unused sibling module was copied: %v", err)
	}
	if err := w.Init(ctx); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	st, err := w.StatePull(ctx)
	if err != nil || st.Exists {
		t.Fatalf("state before apply: %+v, %v", st, err)
	}
	changes, text, err := w.Plan(ctx, "tfplan", false)
	if err != nil || !changes || !bytes.Contains(text, []byte("Plan: 3 to add")) {
		t.Fatalf("plan: changes=%v err=%v\n%s", changes, err, log.String())
	}
	js, err := w.ShowJSON(ctx, "tfplan")
	if err != nil || !bytes.Contains(js, []byte(`"resource_changes"`)) {
		t.Fatalf("show -json: %v %.200s", err, js)
	}
	if err := w.Apply(ctx, "tfplan", false); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	st, err = w.StatePull(ctx)
	if err != nil || !st.Exists || st.Serial == 0 || st.Lineage == "" {
		t.Fatalf("state after apply: %+v, %v", st, err)
	}
	ov, err := st.OutputsValue()
	if err != nil {
		t.Fatal(err)
	}
	if got := ov.GetAttr("bucket_name").AsString(); got != "ai-tools-data-dev" {
		t.Errorf("bucket_name = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "ai-tools-data-dev.json")); err != nil {
		t.Errorf("local_file manifest not written: %v", err)
	}
	pv, err := w.ProviderVersions()
	if err != nil || pv["registry.opentofu.org/hashicorp/time"] != "0.14.2" || pv["registry.opentofu.org/hashicorp/local"] != "1.4.0" {
		t.Errorf("provider versions = %v, %v", pv, err)
	}
	// A plan takes no lock (issue 14: the plan role may not write locks, and a PR must
	// not hold or break a running apply's lock): with the lock held by "another apply",
	// the plan goes ahead and leaves that lock as it was.
	lockKey := u.Config.RemoteState.Config.GetAttr("key").AsString() + ".tflock"
	bucket := u.Config.RemoteState.Config.GetAttr("bucket").AsString()
	s3c := s3.New(s3.Options{Region: "eu-central-1", BaseEndpoint: aws.String(srv.URL()), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(srv.Credentials().AccessKeyID, srv.Credentials().SecretAccessKey, "")})
	held := `{"ID":"held-by-a-running-apply","Operation":"OperationTypeApply","Who":"apply@ci"}`
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(lockKey), Body: strings.NewReader(held)}); err != nil {
		t.Fatal(err)
	}
	// After apply, the plan shows no changes and no refresh progress lines.
	changes, text, err = w.Plan(ctx, "tfplan2", false)
	lock, lerr := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(lockKey)})
	if lerr != nil {
		t.Fatalf("the held lock is gone after a plan: %v", lerr)
	}
	if b, _ := io.ReadAll(lock.Body); string(b) != held {
		t.Errorf("a plan changed the held lock: %s", b)
	}
	lock.Body.Close()
	if _, err := s3c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(lockKey)}); err != nil {
		t.Fatal(err)
	}
	if err != nil || changes || bytes.Contains(text, []byte("Refreshing state")) || !bytes.Contains(text, []byte("No changes.")) {
		t.Errorf("second plan: changes=%v err=%v\n%s", changes, err, text)
	}
	holder, err := w.LockHolder(ctx)
	if err != nil || holder != nil {
		t.Errorf("lock holder of a free state = %+v, %v", holder, err)
	}
	// The probe wrote nothing.
	st2, err := w.StatePull(ctx)
	if err != nil {
		t.Fatalf("state pull after the lock probe: %v", err)
	}
	if st2.Serial != st.Serial {
		t.Errorf("lock probe changed the state serial %d -> %d", st.Serial, st2.Serial)
	}
	// A second prepare of the same unit starts clean but keeps .terraform.
	os.WriteFile(filepath.Join(w.Dir, "stale.tf"), []byte("this is not HCL {"), 0o644)
	w2, err := e.Prepare(ctx, u, &log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(w2.Dir, "stale.tf")); !os.IsNotExist(err) {
		t.Error("a stale file survived Prepare")
	}
	if strings.Contains(log.String(), "hunter") || strings.Contains(log.String(), `"lineage"`) {
		t.Error("state content reached the log")
	}
}

func TestErrorSummary(t *testing.T) {
	out := `
Planning failed. OpenTofu encountered an error while generating this plan.

╷
│ Error: Resource precondition failed
│ 
│   on main.tf line 18, in resource "terraform_data" "service":
│   18:       condition     = var.fail_plan == ""
│     ├────────────────
│     │ var.fail_plan is "broken on purpose"
│ 
│ fail_plan is set: broken on purpose
╵
╷
│ Error: Invalid value for variable
│ 
│   on variables.tf line 3:
│    3: variable "x" {
│ 
╵
`
	got := errorSummary(out)
	want := `Resource precondition failed (main.tf:18): fail_plan is set: broken on purpose; Invalid value for variable (variables.tf:3)`
	if got != want {
		t.Errorf("errorSummary =\n%s\nwant\n%s", got, want)
	}
	e := &ExitError{Args: []string{"tofu", "plan", "-out=x"}, ExitCode: 1, Output: out}
	if !strings.HasPrefix(e.Error(), "tofu plan exited with 1: Resource precondition failed") {
		t.Errorf("ExitError = %s", e)
	}
	if errorSummary("plain failure\nlast line\n") != "last line" {
		t.Error("no box: last line expected")
	}
}
