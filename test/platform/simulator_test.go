package platform

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/cli"
	"github.com/terragrunt-olechka/olechka/internal/state"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// simulator returns the tool cache's tofurc after checking that its mirror holds
// olechka's AWS simulator as hashicorp/aws 6.66.0 (scripts/tools/60-awssim.sh).
func simulator(t *testing.T) (tofu, tofurc string) {
	t.Helper()
	tofu = testenv.Tool(t, "tofu")
	tofurc = testenv.File(t, "tofurc")
	testenv.File(t, "providers/registry.opentofu.org/hashicorp/aws/6.66.0/linux_amd64/terraform-provider-aws_v6.66.0")
	return tofu, tofurc
}

// TestModulesValidate: `tofu validate` of every module in modules/ passes with the AWS
// simulator serving the real hashicorp/aws 6.66.0 schema: OpenTofu's own type checking
// of every resource, data source and block.
func TestModulesValidate(t *testing.T) {
	tofu, tofurc := simulator(t)
	entries, err := os.ReadDir(filepath.Join(repoRoot(t), "modules"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			if err := os.CopyFS(dir, os.DirFS(filepath.Join(repoRoot(t), "modules", name))); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) string {
				t.Helper()
				cmd := exec.Command(tofu, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+tofurc, "TF_IN_AUTOMATION=1", "TF_PLUGIN_CACHE_DIR=")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("tofu %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return string(out)
			}
			run("init", "-backend=false", "-input=false", "-no-color")
			if out := run("validate", "-no-color"); !strings.Contains(out, "The configuration is valid") {
				t.Errorf("validate: %s", out)
			}
		})
	}
}

// TestLiveUnitsPlan: every unit of live/ plans with the simulator (local mode, the
// embedded state store, fresh state: dependents plan on their mock_outputs). Slow (about
// a minute per unit on a loaded two-core machine), so it runs with OLECHKA_E2E_LIVE=1.
func TestLiveUnitsPlan(t *testing.T) {
	if os.Getenv("OLECHKA_E2E_LIVE") != "1" {
		t.Skip("set OLECHKA_E2E_LIVE=1 to plan every unit of live/ with the AWS simulator")
	}
	simulator(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	srv, err := state.Serve(ctx, state.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("OLECHKA_LOCAL", "1")
	t.Setenv("OLECHKA_STATE_ENDPOINT", srv.URL())
	t.Setenv("OLECHKA_CACHE", testenv.CacheDir(t))
	var out, errb bytes.Buffer
	code := cli.Main(ctx, cli.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: os.Getenv},
		[]string{"plan", "--all", filepath.Join(repoRoot(t), "live"), "--out", t.TempDir(), "--work-dir", t.TempDir()})
	if code != 0 {
		t.Fatalf("plan of live/ exited %d\n%s\n%s", code, out.String(), errb.String())
	}
}
