package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func workflowFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(t), ".github", "workflows", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("want pipeline.yml, drift.yml and ci.yml, found %v", files)
	}
	return files
}

func actionlint(t *testing.T, files ...string) (string, error) {
	t.Helper()
	bin := testenv.Tool(t, "actionlint")
	sc := testenv.Tool(t, "shellcheck")
	args := append([]string{"-color=false", "-shellcheck", sc}, files...)
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Dir = testenv.RepoRoot(t)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestWorkflowsLint runs actionlint (with shellcheck on every run: script) over the
// project's workflows.
func TestWorkflowsLint(t *testing.T) {
	if out, err := actionlint(t, workflowFiles(t)...); err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
}

// TestActionlintCatchesProblems makes sure the lint above can fail: a workflow with a
// shell quoting bug and an unknown context must be reported.
func TestActionlintCatchesProblems(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yml")
	os.WriteFile(bad, []byte(`on: push
jobs:
  x:
    runs-on: ubuntu-24.04
    steps:
      - run: echo $FOO ${{ nosuchcontext.value }}
`), 0o644)
	out, err := actionlint(t, bad)
	if err == nil || !strings.Contains(out, "SC2086") || !strings.Contains(out, "nosuchcontext") {
		t.Fatalf("actionlint missed the problems (err %v):\n%s", err, out)
	}
}

var (
	usesLine = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*(\S+)(.*)$`)
	pinned   = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)
	version  = regexp.MustCompile(`^\s*#\s*v\d+(\.\d+)*\s*$`)
)

type workflow struct {
	On          any            `yaml:"on"`
	Permissions any            `yaml:"permissions"`
	Jobs        map[string]job `yaml:"jobs"`
}

type job struct {
	Permissions map[string]string `yaml:"permissions"`
	Environment any               `yaml:"environment"`
	Concurrency *struct {
		Group            string `yaml:"group"`
		CancelInProgress any    `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Steps []struct {
		Uses string `yaml:"uses"`
	} `yaml:"steps"`
}

// TestWorkflowsPinnedAndLeastPrivilege checks what actionlint does not: every action
// is pinned to a full commit SHA with its version in a comment, workflows grant nothing
// by default and every job says which permissions it needs, only plan and apply jobs
// get OIDC tokens, and every job that runs in an environment (apply) is in a
// concurrency group that is never cancelled.
func TestWorkflowsPinnedAndLeastPrivilege(t *testing.T) {
	for _, f := range workflowFiles(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		for i, line := range strings.Split(string(raw), "\n") {
			m := usesLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			if strings.HasPrefix(m[1], "./") {
				continue // a local action of this repository
			}
			if !pinned.MatchString(m[1]) {
				t.Errorf("%s:%d: %s is not pinned to a full commit SHA", name, i+1, m[1])
			}
			if !version.MatchString(m[2]) {
				t.Errorf("%s:%d: %s has no '# vX.Y.Z' comment naming its version", name, i+1, m[1])
			}
		}
		if strings.Contains(string(raw), "pull_request_target") {
			t.Errorf("%s: pull_request_target runs untrusted code with secrets", name)
		}
		var w workflow
		if err := yaml.Unmarshal(raw, &w); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p, ok := w.Permissions.(map[string]any); !ok || len(p) != 0 {
			t.Errorf("%s: the workflow must grant nothing by default (permissions: {}), has %v", name, w.Permissions)
		}
		for id, j := range w.Jobs {
			if j.Permissions == nil {
				t.Errorf("%s: job %s does not declare its permissions", name, id)
			}
			for scope, level := range j.Permissions {
				if level == "write" && scope == "contents" {
					t.Errorf("%s: job %s may push to the repository (contents: write)", name, id)
				}
				if scope == "id-token" && !strings.HasPrefix(id, "plan") && id != "apply" && id != "deliver" {
					t.Errorf("%s: job %s gets an OIDC token; only plan, apply and deliver (plan+apply of one env) jobs need one", name, id)
				}
			}
			if j.Environment != nil {
				if j.Concurrency == nil || j.Concurrency.Group == "" || j.Concurrency.CancelInProgress != false {
					t.Errorf("%s: job %s runs in an environment without a non-cancelling concurrency group", name, id)
				}
			}
		}
	}
}
