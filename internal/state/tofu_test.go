package state

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// tofuUnit writes a unit whose state lives in bucket at key, with lockfile locking, and
// one built-in resource (no provider to install).
func tofuUnit(t *testing.T, endpoint, bucket, key string) string {
	t.Helper()
	dir := t.TempDir()
	main := fmt.Sprintf(`terraform {
  backend "s3" {
    bucket                      = %q
    key                         = %q
    region                      = "eu-central-1"
    endpoints                   = { s3 = %q }
    use_path_style              = true
    use_lockfile                = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    skip_s3_checksum            = true
  }
}

resource "terraform_data" "this" {
  input = %q
}
`, bucket, key, endpoint, key)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	// An empty CLI configuration: no registry, no plugin cache, nothing from $HOME.
	if err := os.WriteFile(filepath.Join(dir, "none.tfrc"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runTofu runs tofu in dir with env (on top of a minimal environment) and returns its
// combined output.
func runTofu(ctx context.Context, tofu, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, tofu, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TF_IN_AUTOMATION=1",
		"TF_CLI_CONFIG_FILE=" + filepath.Join(dir, "none.tfrc")}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// TestTofuUnitsShareNewBucket replays `make demo`'s failure with real OpenTofu: several
// units whose state shares one bucket run init and apply at the same moment on a fresh
// store. Each must init ("S3 bucket does not exist" was the failure) and apply.
func TestTofuUnitsShareNewBucket(t *testing.T) {
	tofu := testenv.Tool(t, "tofu")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	s, err := Serve(ctx, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env := tofuEnv(s)
	const units = 4
	var dirs []string
	for i := range units {
		dirs = append(dirs, tofuUnit(t, s.URL(), "terraform-state-111111111111-eu-central-1", fmt.Sprintf("dev/eu-central-1/unit%d/terraform.tfstate", i)))
	}
	for _, step := range [][]string{
		{"init", "-input=false", "-no-color"},
		{"apply", "-input=false", "-no-color", "-auto-approve", "-lock-timeout=30s"},
	} {
		var wg sync.WaitGroup
		errs := make([]string, units)
		for i, dir := range dirs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if out, err := runTofu(ctx, tofu, dir, env, step...); err != nil {
					errs[i] = fmt.Sprintf("unit%d: tofu %s: %v\n%s", i, step[0], err, out)
				}
			}()
		}
		wg.Wait()
		if msg := strings.Join(errs, ""); msg != "" {
			t.Fatal(msg)
		}
	}
	// Every unit's state is in the shared bucket.
	c := client(s)
	for i := range units {
		in := getFrom(ctx, t, c, "terraform-state-111111111111-eu-central-1", fmt.Sprintf("dev/eu-central-1/unit%d/terraform.tfstate", i))
		if !strings.Contains(in, "terraform_data") {
			t.Errorf("unit%d state: %.200s", i, in)
		}
	}
}

// tofuEnv is the environment that gives OpenTofu's s3 backend its credentials.
func tofuEnv(s *Server) []string {
	var env []string
	for k, v := range s.Credentials().TofuEnv() {
		env = append(env, k+"="+v)
	}
	return env
}

// TestTofuNeedsTheRunsCredentials: OpenTofu's s3 backend, signing with the run's
// credentials from the environment, inits; with another secret (the old fixed
// "olechka-local" pair, say) it is refused and writes nothing.
func TestTofuNeedsTheRunsCredentials(t *testing.T) {
	tofu := testenv.Tool(t, "tofu")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s, err := Serve(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := tofuUnit(t, s.URL(), "tf-state", "dev/app/terraform.tfstate")
	wrong := []string{"AWS_ACCESS_KEY_ID=olechka-local", "AWS_SECRET_ACCESS_KEY=olechka-local"}
	out, err := runTofu(ctx, tofu, dir, wrong, "init", "-input=false", "-no-color")
	if err == nil || !strings.Contains(out, "403") {
		t.Fatalf("tofu init with the wrong credentials: %v\n%s", err, out)
	}
	stolen := []string{"AWS_ACCESS_KEY_ID=" + s.Credentials().AccessKeyID, "AWS_SECRET_ACCESS_KEY=guessed"}
	if out, err := runTofu(ctx, tofu, dir, stolen, "init", "-input=false", "-no-color", "-reconfigure"); err == nil || !strings.Contains(out, "SignatureDoesNotMatch") {
		t.Fatalf("tofu init with the access key but not the secret: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"init", "-input=false", "-no-color", "-reconfigure"},
		{"apply", "-input=false", "-no-color", "-auto-approve"},
	} {
		if out, err := runTofu(ctx, tofu, dir, tofuEnv(s), args...); err != nil {
			t.Fatalf("tofu %s with the run's credentials: %v\n%s", args[0], err, out)
		}
	}
	if in := getFrom(ctx, t, client(s), "tf-state", "dev/app/terraform.tfstate"); !strings.Contains(in, "terraform_data") {
		t.Errorf("state: %.200s", in)
	}
}
