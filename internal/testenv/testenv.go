// Package testenv locates the repository and the tools that tests run for real
// (OpenTofu, providers, dynalite, the AWS schema). A missing tool skips the test on a
// developer's machine and fails it in CI (CI=true), where .ci/run installs every tool.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RepoRoot returns the folder that holds go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// CacheDir returns the tool cache: $OLECHKA_CACHE, or .cache at the repository root.
func CacheDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("OLECHKA_CACHE"); d != "" {
		return d
	}
	return filepath.Join(RepoRoot(t), ".cache")
}

// Missing reports a missing prerequisite: a skip locally, a failure in CI.
func Missing(t testing.TB, what, fix string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing (CI installs it with %s)", what, fix)
	}
	t.Skipf("%s is missing; run %s", what, fix)
}

// Tool returns the path of an installed tool: <cache>/bin/NAME first, then $PATH.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(CacheDir(t), "bin", name)
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	Missing(t, name, "make tools")
	return ""
}

// File returns the path of a file under the cache, skipping or failing when absent.
func File(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(CacheDir(t), rel)
	if _, err := os.Stat(p); err != nil {
		Missing(t, p, "make tools")
	}
	return p
}
