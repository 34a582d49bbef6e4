package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// gitTree commits files to a new repository on main, then applies change on a
// branch and commits it; it returns the repository folder.
func gitTree(t *testing.T, files map[string]string, change map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := tree(t, files)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	git("checkout", "-q", "-b", "change")
	for p, c := range change {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("add", "-A")
	git("commit", "-q", "-m", "change")
	return dir
}

func runEnv(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }}, args)
	return out.String(), errb.String(), code
}

var detectChange = map[string]string{
	"dev/vpc/terragrunt.hcl": small["dev/vpc/terragrunt.hcl"] + "inputs = {\n  cidr = \"10.0.0.0/16\"\n}\n",
}

func TestDetectJSON(t *testing.T) {
	dir := gitTree(t, small, detectChange)
	out, errOut, code := run(t, "detect", "--format", "json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &top); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var keys []string
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"base", "head", "jobs", "units"}) {
		t.Fatalf("top-level keys %v; want exactly base, head, jobs, units", keys)
	}
	var jobs []struct {
		ID     int
		Action string
		Units  []string
		Waves  []int
	}
	if err := json.Unmarshal(top["jobs"], &jobs); err != nil {
		t.Fatal(err)
	}
	// dev/vpc and its dependent dev/app: one account and region, one packed job.
	if len(jobs) != 1 || jobs[0].Action != "plan" || len(jobs[0].Units) != 2 || len(jobs[0].Waves) != 2 {
		t.Fatalf("jobs %+v; want one plan job of the two units", jobs)
	}
	var res struct {
		Base, Head string
		Units      []struct {
			Path, Action, Env, Region, Tier string
			AccountID                       string `json:"account_id"`
			Wave                            int
			Reasons                         []string
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Base) != 40 || len(res.Head) != 40 || res.Base == res.Head {
		t.Errorf("base %q head %q; want two commit ids", res.Base, res.Head)
	}
	if len(res.Units) != 2 {
		t.Fatalf("units %+v; want dev/vpc and its dependent dev/app", res.Units)
	}
	vpc, app := res.Units[0], res.Units[1]
	if vpc.Path != "dev/vpc" || vpc.Action != "plan" || vpc.Wave != 0 || vpc.Env != "dev" || vpc.Region != "eu-central-1" ||
		!reflect.DeepEqual(vpc.Reasons, []string{`inputs.cidr: (none) -> "10.0.0.0/16"`}) {
		t.Errorf("vpc: %+v", vpc)
	}
	if app.Path != "dev/app" || app.Wave != 1 || !reflect.DeepEqual(app.Reasons, []string{"upstream changed: dev/vpc"}) {
		t.Errorf("app: %+v", app)
	}
}

func TestDetectText(t *testing.T) {
	dir := gitTree(t, small, detectChange)
	out, errOut, code := run(t, "detect", "--base", "main", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"2 units to plan:", "wave 0   plan     dev/vpc", `inputs.cidr: (none) -> "10.0.0.0/16"`, "upstream changed: dev/vpc"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = run(t, "detect", "--base", "HEAD", dir)
	if code != 0 || !strings.Contains(out, "No units affected.") {
		t.Errorf("base = head: exit %d\n%s", code, out)
	}
}

func TestDetectGitHub(t *testing.T) {
	dir := gitTree(t, small, detectChange)
	ghDir := t.TempDir()
	env := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(ghDir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(ghDir, "summary"),
	}
	if err := os.WriteFile(env["GITHUB_OUTPUT"], []byte("earlier=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	jsonOut := filepath.Join(ghDir, "detect.json")
	_, errOut, code := runEnv(t, env, "detect", "--format", "github", "--json-out", jsonOut, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if b, err := os.ReadFile(jsonOut); err != nil || !strings.Contains(string(b), `"path": "dev/vpc"`) {
		t.Errorf("--json-out: %v\n%s", err, b)
	}
	b, err := os.ReadFile(env["GITHUB_OUTPUT"])
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, "earlier=1\n") {
		t.Error("$GITHUB_OUTPUT must be appended to, not replaced")
	}
	for _, want := range []string{"has-changes<<OLECHKA_EOF_", "\ntrue\n", "batches<<", "\n1\n", "matrix-0<<",
		`{"include":[{"unit":"dev/vpc","env":"dev","tier":"dev","region":"eu-central-1","account_id":"","wave":0,"action":"plan"},`} {
		if !strings.Contains(s, want) {
			t.Errorf("$GITHUB_OUTPUT lacks %q:\n%s", want, s)
		}
	}
	sum, err := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	if err != nil || !strings.Contains(string(sum), "| 0 | plan | `dev/vpc` | 0 |") ||
		!strings.Contains(string(sum), "packed into 1 plan job") {
		t.Errorf("summary: %v\n%s", err, sum)
	}
	_, errOut, code = run(t, "detect", "--format", "github", dir)
	if code == 0 || !strings.Contains(errOut, "GITHUB_OUTPUT") {
		t.Errorf("--format github outside Actions: exit %d, %s", code, errOut)
	}
}

func TestDetectErrors(t *testing.T) {
	dir := gitTree(t, small, detectChange)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"detect", "--base", "nope", dir}, `unknown git ref "nope"`},
		{[]string{"detect", "--format", "yaml", dir}, `unknown --format "yaml"`},
		{[]string{"detect", t.TempDir()}, "not inside a git work tree"},
	} {
		_, errOut, code := run(t, c.args...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errOut, c.want)
		}
	}
	broken := gitTree(t, small, map[string]string{"dev/vpc/terragrunt.hcl": "inputs = {\n"})
	out, errOut, code := run(t, "detect", broken)
	if code != 1 || !strings.Contains(errOut, "dev/vpc/terragrunt.hcl:") || !strings.Contains(out, "config does not evaluate at head") {
		t.Errorf("broken head: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}
