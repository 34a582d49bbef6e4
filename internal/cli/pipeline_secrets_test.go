package cli

import (
	"archive/zip"
	"bytes"
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

// TestPipelineKeepsSecrets replays issue 14's attack: a unit with a sensitive variable
// and a sensitive output, a second unit consuming that output through a dependency
// block, `olechka pipeline --local` twice (the second run re-plans on real outputs);
// then every file under the run's folder, the binary plans unzipped, the units' working
// logs and every Slack message are searched for the secret.
func TestPipelineKeepsSecrets(t *testing.T) {
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
		"modules/secretapp/main.tf": secretAppModule,
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
	work := t.TempDir()
	out := filepath.Join(t.TempDir(), "run")
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
		"DB_PASSWORD":            pipelineSecret,
		"PATH":                   os.Getenv("PATH"),
		"HOME":                   os.Getenv("HOME"),
	}
	var logs bytes.Buffer
	for run := 1; run <= 2; run++ {
		var stdout, stderr bytes.Buffer
		code := Main(ctx, App{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }},
			[]string{"pipeline", "--local", "--auto-approve", "--only", "fmt", "--out", out, "--work-dir", work, tree})
		logs.Write(stdout.Bytes())
		logs.Write(stderr.Bytes())
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s%s", run, code, stdout.String(), stderr.String())
		}
	}
	// The secret did reach the consumer: its state (not an artifact) holds the DSN.
	statusOK := strings.Contains(logs.String(), "applied")
	if !statusOK {
		t.Fatalf("nothing applied:\n%s", logs.String())
	}

	leaks := 0
	check := func(where string, b []byte) {
		if bytes.Contains(b, []byte(pipelineSecret)) {
			leaks++
			t.Errorf("the secret is in clear in %s", where)
		}
	}
	searched := 0
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
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
	// The units' logs in their working areas, and what olechka printed.
	_ = filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
			b, _ := os.ReadFile(p)
			check(p, b)
		}
		return nil
	})
	check("olechka's output", logs.Bytes())
	slackRec.mu.Lock()
	for i, s := range slackRec.texts {
		check("Slack message "+string(rune('1'+i)), []byte(s))
	}
	slackRec.mu.Unlock()
	if searched < 10 {
		t.Errorf("only %d files searched under %s", searched, out)
	}
	t.Logf("%d files searched, %d leaks", searched, leaks)
}
