package cli

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/state"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// The secret of TestPipelineKeepsSecrets: long and random enough to appear nowhere by chance.
const pipelineSecret = "s3cr3t-Zq8vN2xK7pWm4RtY"

const secretDBModule = `variable "password" {
  type      = string
  sensitive = true
}

resource "terraform_data" "db" {
  input = { password = var.password }
}

output "password" {
  value     = var.password
  sensitive = true
}
`

// The consumer declares nothing sensitive: the value reaches it as a plain input.
const secretAppModule = `variable "db_password" {
  type = string
}

resource "terraform_data" "app" {
  input = "postgres://app:${var.db_password}@db:5432/app"
}

output "dsn" {
  value = terraform_data.app.output
}
`

// secretRun is what runSecretPipelines leaves to search: the run folder, the units'
// working area, olechka's output and the Slack messages.
type secretRun struct {
	out, work string
	logs      []byte
	slack     []string
	codes     []int
}

// runSecretPipelines runs `olechka pipeline --local --auto-approve` twice on the sandbox's
// dev with two units: db (a sensitive variable set from DB_PASSWORD=secret, a sensitive
// output) and app (appModule, fed db's output through a dependency block, declaring
// nothing sensitive).
func runSecretPipelines(t *testing.T, secret, appModule string) *secretRun {
	t.Helper()
	testenv.Tool(t, "tofu")
	testenv.File(t, "tofurc")
	cache := testenv.CacheDir(t)
	tree := copyTree(t, filepath.Join(testenv.RepoRoot(t), "examples", "sandbox"))
	// Only dev, with the two units of the attack.
	for _, d := range []string{"staging", "production", "dev/eu-central-1/network", "dev/eu-central-1/storage", "dev/eu-central-1/service", "dev/eu-central-1/monitoring"} {
		if err := os.RemoveAll(filepath.Join(tree, d)); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"modules/secretdb/main.tf":  secretDBModule,
		"modules/secretapp/main.tf": appModule,
		"dev/eu-central-1/db/terragrunt.hcl": `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "../../../modules//secretdb"
}

inputs = {
  password = get_env("DB_PASSWORD")
}
`,
		"dev/eu-central-1/app/terragrunt.hcl": `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "../../../modules//secretapp"
}

dependency "db" {
  config_path = "../db"

  mock_outputs = {
    password = "mock-password"
  }
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

inputs = {
  db_password = dependency.db.outputs.password
}
`,
	}
	for name, content := range files {
		p := filepath.Join(tree, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := &secretRun{work: t.TempDir(), out: filepath.Join(t.TempDir(), "run")}
	ctx := t.Context()
	srv, err := state.Serve(ctx, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	slackRec := &slackRecorder{}
	hook := httptest.NewServer(slackRec)
	defer hook.Close()
	env := map[string]string{
		"OLECHKA_CACHE":          cache,
		"OLECHKA_STATE_ENDPOINT": srv.URL(),
		state.EnvAccessKey:       srv.Credentials().AccessKeyID,
		state.EnvSecretKey:       srv.Credentials().SecretAccessKey,
		"SLACK_WEBHOOK_URL":      hook.URL + "/services/T/B/x",
		"DB_PASSWORD":            secret,
		"PATH":                   os.Getenv("PATH"),
		"HOME":                   os.Getenv("HOME"),
	}
	var logs bytes.Buffer
	for run := 1; run <= 2; run++ {
		var stdout, stderr bytes.Buffer
		code := Main(ctx, App{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }},
			[]string{"pipeline", "--local", "--auto-approve", "--only", "fmt", "--out", r.out, "--work-dir", r.work, tree})
		logs.Write(stdout.Bytes())
		logs.Write(stderr.Bytes())
		r.codes = append(r.codes, code)
	}
	r.logs = logs.Bytes()
	slackRec.mu.Lock()
	r.slack = append(r.slack, slackRec.texts...)
	slackRec.mu.Unlock()
	return r
}

// search calls check on every file under the run folder (binary plans unzipped), the
// units' logs in their working areas, olechka's output and each Slack message; it
// returns how many files under the run folder it read.
func (r *secretRun) search(check func(where string, b []byte)) int {
	searched := 0
	_ = filepath.WalkDir(r.out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		searched++
		check(p, b)
		// Binary plans are zip files: search inside too.
		if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					continue
				}
				inner, _ := io.ReadAll(rc)
				rc.Close()
				check(p+"!"+f.Name, inner)
			}
		}
		return nil
	})
	_ = filepath.WalkDir(r.work, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
			b, _ := os.ReadFile(p)
			check(p, b)
		}
		return nil
	})
	check("olechka's output", r.logs)
	for i, s := range r.slack {
		check(fmt.Sprintf("Slack message %d", i+1), []byte(s))
	}
	return searched
}

// TestPipelineKeepsSecrets replays issue 14's attack: a unit with a sensitive variable
// and a sensitive output, a second unit consuming that output through a dependency
// block, `olechka pipeline --local` twice (the second run re-plans on real outputs);
// then every file under the run's folder, the binary plans unzipped, the units' working
// logs and every Slack message are searched for the secret.
func TestPipelineKeepsSecrets(t *testing.T) {
	r := runSecretPipelines(t, pipelineSecret, secretAppModule)
	for i, code := range r.codes {
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s", i+1, code, r.logs)
		}
	}
	// The secret did reach the consumer: its state (not an artifact) holds the DSN.
	if !bytes.Contains(r.logs, []byte("applied")) {
		t.Fatalf("nothing applied:\n%s", r.logs)
	}
	leaks := 0
	searched := r.search(func(where string, b []byte) {
		if bytes.Contains(b, []byte(pipelineSecret)) {
			leaks++
			t.Errorf("the secret is in clear in %s", where)
		}
	})
	if searched < 10 {
		t.Errorf("only %d files searched under %s", searched, r.out)
	}
	t.Logf("%d files searched, %d leaks", searched, leaks)
}

// The consumer fails on the value it receives: OpenTofu's error quotes it
// (cannot convert "<value>" to number).
const secretFailingAppModule = `variable "db_password" {
  type = string
}

output "port" {
  value = tonumber(var.db_password)
}
`

// TestPipelineMasksSecretInErrors replays an OpenTofu error that quotes a secret: the
// consumer's plan fails with the dependency's sensitive output in the message, which
// reached metadata's error field, and from it review, the PR comment and Slack, in
// clear. Done with a long secret and with a 2-character one (masked as a quoted token).
func TestPipelineMasksSecretInErrors(t *testing.T) {
	for _, tc := range []struct{ name, secret string }{
		{"long", pipelineSecret},
		{"short", "Q7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runSecretPipelines(t, tc.secret, secretFailingAppModule)
			if r.codes[1] == 0 {
				t.Fatalf("the second run passed; want app's plan to fail:\n%s", r.logs)
			}
			// The plan did fail on the real value, and said so, masked.
			meta, err := os.ReadFile(filepath.Join(r.out, "plans", "units", "dev", "eu-central-1", "app", "metadata.json"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(meta, []byte(`cannot convert \"(sensitive value)\" to number`)) {
				t.Errorf("metadata's error does not hold the masked message:\n%s", meta)
			}
			// Quoted, as OpenTofu quotes a value (the short secret appears unquoted by
			// chance in random text, so only its quoted forms count).
			forms := []string{`"` + tc.secret + `"`, `\"` + tc.secret + `\"`}
			if len(tc.secret) >= 4 {
				forms = []string{tc.secret}
			}
			leaks := 0
			searched := r.search(func(where string, b []byte) {
				for _, f := range forms {
					if bytes.Contains(b, []byte(f)) {
						leaks++
						t.Errorf("%s holds %s", where, f)
					}
				}
			})
			t.Logf("%d files searched, %d leaks", searched, leaks)
		})
	}
}
