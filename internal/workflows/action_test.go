package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// TestActionInstallsVerifiedRelease runs action.yml's install script (bash, curl) against
// a fake GitHub release on loopback: it installs the binary when its SHA-256 matches
// SHA256SUMS (and the pinned sha256 input), and refuses a tampered binary, a binary
// missing from SHA256SUMS, and a pin that does not match.
func TestActionInstallsVerifiedRelease(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the action runs on Linux and macOS runners")
	}
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "the system's package manager")
		}
	}
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				ID    string `yaml:"id"`
				Shell string `yaml:"shell"`
				Run   string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" || len(action.Runs.Steps) != 1 || action.Runs.Steps[0].Shell != "bash" {
		t.Fatalf("action.yml: want one composite bash step, got %+v", action.Runs)
	}
	script := action.Runs.Steps[0].Run

	arch := map[string]string{"amd64": "amd64", "arm64": "arm64"}[runtime.GOARCH]
	if arch == "" {
		t.Skipf("no release for %s", runtime.GOARCH)
	}
	name := fmt.Sprintf("olechka_1.2.3_%s_%s", runtime.GOOS, arch)
	binary := []byte("#!/bin/sh\necho 'olechka v1.2.3 (commit abc, go, test)'\n")
	sum := sha256.Sum256(binary)
	good := hex.EncodeToString(sum[:])

	run := func(t *testing.T, served []byte, sums, pin string, env ...string) (string, string, error) {
		t.Helper()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/org/olechka/releases/download/v1.2.3/" + name:
				w.Write(served)
			case "/org/olechka/releases/download/v1.2.3/SHA256SUMS":
				w.Write([]byte(sums))
			default:
				http.NotFound(w, r)
			}
		}))
		defer srv.Close()
		dir := t.TempDir()
		dest := filepath.Join(dir, "bin")
		out := filepath.Join(dir, "output")
		path := filepath.Join(dir, "path")
		osName := map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
		archName := map[string]string{"amd64": "X64", "arm64": "ARM64"}[arch]
		cmd := exec.CommandContext(t.Context(), "bash", "-c", script)
		cmd.Env = append(os.Environ(), "VERSION=v1.2.3", "WANT_SHA256="+pin, "REPO=org/olechka", "DEST="+dest,
			"GH_TOKEN=x", "SERVER_URL="+srv.URL+"/", "RUNNER_OS_NAME="+osName, "RUNNER_ARCH_NAME="+archName,
			"GITHUB_OUTPUT="+out, "GITHUB_PATH="+path)
		cmd.Env = append(cmd.Env, env...)
		log, err := cmd.CombinedOutput()
		outputs, _ := os.ReadFile(out)
		return string(log), string(outputs), err
	}

	t.Run("verified", func(t *testing.T) {
		log, outputs, err := run(t, binary, good+"  "+name+"\n0000  other\n", good)
		if err != nil {
			t.Fatalf("install failed: %v\n%s", err, log)
		}
		if !strings.Contains(outputs, "version=olechka v1.2.3 (commit abc") || !strings.Contains(outputs, "path=") {
			t.Fatalf("outputs: %q\n%s", outputs, log)
		}
	})
	// A macOS runner without coreutils: no sha256sum, shasum instead, and no noise about it.
	t.Run("shasum", func(t *testing.T) {
		bin := t.TempDir()
		for _, tool := range []string{"bash", "curl", "awk", "cut", "install", "mkdir", "mktemp", "rm", "shasum", "perl"} {
			p, err := exec.LookPath(tool)
			if err != nil {
				t.Skipf("%s is not installed", tool)
			}
			if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
				t.Fatal(err)
			}
		}
		log, outputs, err := run(t, binary, good+"  "+name+"\n", good, "PATH="+bin)
		if err != nil || !strings.Contains(outputs, "version=olechka v1.2.3") || strings.Contains(log, "not found") {
			t.Fatalf("install with shasum: %v, outputs %q\n%s", err, outputs, log)
		}
	})
	for _, c := range []struct {
		name, sums, pin, want string
		served                []byte
	}{
		{"tampered binary", good + "  " + name + "\n", "", "does not match SHA256SUMS", append([]byte("evil"), binary...)},
		{"not in SHA256SUMS", good + "  olechka_1.2.3_windows_amd64\n", "", "is not listed", binary},
		{"pin mismatch", good + "  " + name + "\n", strings.Repeat("0", 64), "does not match the pinned sha256", binary},
	} {
		t.Run(c.name, func(t *testing.T) {
			log, outputs, err := run(t, c.served, c.sums, c.pin)
			if err == nil || !strings.Contains(log, c.want) || strings.Contains(outputs, "path=") {
				t.Fatalf("want refusal %q, got err %v, outputs %q\n%s", c.want, err, outputs, log)
			}
		})
	}
}
