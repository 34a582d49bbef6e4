package executor

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// hookFixture is a tree with one module (terraform_data only: no provider needed) and
// units that differ in their terraform block.
type hookFixture struct {
	t    *testing.T
	ctx  context.Context
	root string
	e    *Executor
}

const hookModule = `variable "greeting" {
  type = string
}

variable "fail" {
  type    = bool
  default = false
}

# What the before_hook built, read at plan time.
resource "terraform_data" "built" {
  input = trimspace(file("${path.module}/built.txt"))

  lifecycle {
    precondition {
      condition     = !var.fail
      error_message = "boom: the module failed on purpose"
    }
  }
}

output "built" {
  value = terraform_data.built.input
}
`

func newHookFixture(t *testing.T) *hookFixture {
	t.Helper()
	tofu := testenv.Tool(t, "tofu")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "modules", "app", "main.tf"), hookModule)
	e, err := New(ctx, Options{Binary: tofu, WorkRoot: t.TempDir(), LockTimeout: 5 * time.Second, InterruptGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &hookFixture{t: t, ctx: ctx, root: root, e: e}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// unit writes units/NAME/terragrunt.hcl with the given terraform block body and
// inputs, evaluates and prepares it.
func (f *hookFixture) unit(name, terraformBody, inputs string) (*Workdir, *bytes.Buffer) {
	f.t.Helper()
	dir := filepath.Join(f.root, "units", name)
	writeFile(f.t, filepath.Join(dir, "terragrunt.hcl"), "terraform {\n  source = \"../../modules//app\"\n"+terraformBody+"\n}\n\ninputs = {\n"+inputs+"\n}\n")
	ev := config.NewEvaluator(config.Options{RepoRoot: f.root, Command: "plan"})
	u, err := ev.Unit(f.ctx, f.root, dir)
	if err != nil {
		f.t.Fatal(err)
	}
	log := &bytes.Buffer{}
	w, err := f.e.Prepare(f.ctx, u, log)
	if err != nil {
		f.t.Fatal(err)
	}
	return w, log
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestHooksAroundRealTofu: before hooks run in order before init and plan, in the
// prepared working directory, with the inputs in their environment; the module reads
// what a hook built; `if = false` skips; after hooks follow; suppress_stdout keeps a
// hook's stdout out of the log.
func TestHooksAroundRealTofu(t *testing.T) {
	f := newHookFixture(t)
	marks := filepath.Join(t.TempDir(), "order.log")
	w, log := f.unit("ok", `
  before_hook "on_init" {
    commands = ["init"]
    execute  = ["sh", "-c", "echo before-init >> `+marks+`"]
  }
  before_hook "build" {
    commands = ["plan", "apply"]
    execute  = ["sh", "-c", "echo \"built for $TG_CTX_COMMAND by $TG_CTX_HOOK_NAME: $TF_VAR_greeting\" > built.txt; echo build-$TG_CTX_COMMAND-out; echo build-$TG_CTX_COMMAND-err >&2; echo before-plan >> `+marks+`"]
  }
  before_hook "off" {
    commands = ["plan"]
    execute  = ["sh", "-c", "echo off >> `+marks+`"]
    if       = false
  }
  before_hook "elsewhere" {
    commands    = ["plan"]
    execute     = ["sh", "-c", "pwd > where.txt"]
    working_dir = "sub"
  }
  after_hook "quiet" {
    commands        = ["plan"]
    execute         = ["sh", "-c", "echo quiet-$TG_CTX_COMMAND-out; echo after-plan >> `+marks+`"]
    suppress_stdout = true
  }
  after_hook "not_for_plan" {
    commands = ["apply"]
    execute  = ["sh", "-c", "echo apply-only >> `+marks+`"]
  }`, `greeting = "hello"`)
	if err := os.MkdirAll(filepath.Join(w.Dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := w.Init(f.ctx); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	changes, text, err := w.Plan(f.ctx, "tfplan", false)
	if err != nil || !changes {
		t.Fatalf("plan: %v\n%s", err, log)
	}
	if !bytes.Contains(text, []byte(`"built for plan by build: hello"`)) {
		t.Errorf("the plan does not show what the hook built:\n%s", text)
	}
	if b, _ := os.ReadFile(filepath.Join(w.Dir, "built.txt")); len(b) == 0 {
		t.Error("the hook did not run in the prepared working directory")
	}
	if b, _ := os.ReadFile(filepath.Join(w.Dir, "sub", "where.txt")); strings.TrimSpace(string(b)) != filepath.Join(w.Dir, "sub") {
		t.Errorf("working_dir hook ran in %q", b)
	}
	order, _ := os.ReadFile(marks)
	if got := strings.Fields(string(order)); strings.Join(got, " ") != "before-init before-plan after-plan" {
		t.Errorf("hooks ran as %v", got)
	}
	l := log.String()
	for _, want := range []string{`[before_hook "build"]`, "build-plan-out", "build-plan-err", `[after_hook "quiet"]`} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(l, "quiet-plan-out") {
		t.Error("suppress_stdout: the hook's stdout reached the log")
	}
	// The hook ran before tofu plan.
	if i, j := strings.Index(l, `[before_hook "build"]`), strings.Index(l, "$ tofu plan"); i < 0 || j < i {
		t.Errorf("before_hook not before plan:\n%s", l)
	}
	// Bookkeeping commands run no hooks.
	if _, err := w.ShowJSON(f.ctx, "tfplan"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.StatePull(f.ctx); err != nil {
		t.Fatal(err)
	}
	if order2, _ := os.ReadFile(marks); !bytes.Equal(order, order2) {
		t.Errorf("show/state pull ran hooks: %s", order2)
	}
}

// TestFailingBeforeHook: a failing before_hook fails the step with a message naming it
// and its exit status; the command does not run; after hooks run only with
// run_on_error; error hooks whose on_errors match run.
func TestFailingBeforeHook(t *testing.T) {
	f := newHookFixture(t)
	marks := filepath.Join(t.TempDir(), "marks.log")
	w, log := f.unit("bad", `
  before_hook "build" {
    commands = ["plan"]
    execute  = ["sh", "-c", "echo compiling; echo 'no Go toolchain found' >&2; exit 3"]
  }
  before_hook "next" {
    commands = ["plan"]
    execute  = ["sh", "-c", "echo next >> `+marks+`"]
  }
  before_hook "cleanup_anyway" {
    commands     = ["plan"]
    execute      = ["sh", "-c", "echo cleanup >> `+marks+`"]
    run_on_error = true
  }
  after_hook "after_ok_only" {
    commands = ["plan"]
    execute  = ["sh", "-c", "echo after >> `+marks+`"]
  }
  after_hook "after_always" {
    commands     = ["plan"]
    execute      = ["sh", "-c", "echo after-always >> `+marks+`"]
    run_on_error = true
  }
  error_hook "toolchain" {
    commands  = ["plan"]
    execute   = ["sh", "-c", "echo error-hook >> `+marks+`"]
    on_errors = [".*no Go toolchain.*"]
  }
  error_hook "unrelated" {
    commands  = ["plan"]
    execute   = ["sh", "-c", "echo unrelated >> `+marks+`"]
    on_errors = ["^quota exceeded$"]
  }`, `greeting = "hello"`)
	if err := w.Init(f.ctx); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	_, _, err := w.Plan(f.ctx, "tfplan", false)
	var he *HookError
	if !errors.As(err, &he) || he.Name != "build" || he.ExitCode != 3 {
		t.Fatalf("plan error = %v", err)
	}
	for _, want := range []string{`units/bad: plan: before_hook "build" (for plan) failed with exit status 3`, "no Go toolchain found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(log.String(), "$ tofu plan") || exists(filepath.Join(w.Dir, "tfplan")) {
		t.Error("tofu plan ran after a failing before_hook")
	}
	if !strings.Contains(log.String(), "compiling") || !strings.Contains(log.String(), "exit 3") {
		t.Errorf("the hook's output is not in the log:\n%s", log)
	}
	got, _ := os.ReadFile(marks)
	if strings.Join(strings.Fields(string(got)), " ") != "cleanup after-always error-hook" {
		t.Errorf("hooks that ran: %q, want cleanup after-always error-hook", got)
	}
}

// TestErrorHookOnToolFailure: when OpenTofu itself fails, error hooks match its output
// and after hooks with run_on_error run; the tool's error stays the step's error.
func TestErrorHookOnToolFailure(t *testing.T) {
	f := newHookFixture(t)
	marks := filepath.Join(t.TempDir(), "marks.log")
	w, log := f.unit("fails", `
  before_hook "build" {
    commands = ["plan"]
    execute  = ["sh", "-c", "echo x > built.txt"]
  }
  after_hook "report" {
    commands     = ["plan"]
    execute      = ["sh", "-c", "echo after-always >> `+marks+`"]
    run_on_error = true
  }
  error_hook "boom" {
    commands  = ["plan", "apply"]
    execute   = ["sh", "-c", "echo error-hook-ran >> `+marks+`"]
    on_errors = ["failed on purpose"]
  }
  error_hook "apply_only" {
    commands  = ["apply"]
    execute   = ["sh", "-c", "echo apply-only >> `+marks+`"]
    on_errors = [".*"]
  }`, "greeting = \"hi\"\nfail = true")
	if err := w.Init(f.ctx); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	_, _, err := w.Plan(f.ctx, "tfplan", false)
	var xe *ExitError
	if !errors.As(err, &xe) || !strings.Contains(err.Error(), "boom: the module failed on purpose") {
		t.Fatalf("plan error = %v\n%s", err, log)
	}
	got, _ := os.ReadFile(marks)
	if strings.Join(strings.Fields(string(got)), " ") != "after-always error-hook-ran" {
		t.Errorf("hooks that ran: %q", got)
	}
}

// TestHookInterrupted: cancelling the context stops a running hook (and what it
// started) promptly.
func TestHookInterrupted(t *testing.T) {
	f := newHookFixture(t)
	started := filepath.Join(t.TempDir(), "started")
	w, log := f.unit("slow", `
  before_hook "slow" {
    commands = ["plan"]
    execute  = ["sh", "-c", "touch `+started+`; sleep 60; echo done"]
  }`, `greeting = "hello"`)
	if err := w.Init(f.ctx); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	go func() {
		for !exists(started) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	_, _, err := w.Plan(ctx, "tfplan", false)
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the interrupted hook took %s to stop", took)
	}
	var he *HookError
	if !errors.As(err, &he) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("error = %v", err)
	}
	if strings.Contains(log.String(), "$ tofu plan") {
		t.Error("tofu plan ran after an interrupted hook")
	}
}

// TestHookNames: which tool commands run hooks.
func TestHookNames(t *testing.T) {
	cfg := &config.Config{Terraform: &config.Terraform{BeforeHooks: []config.Hook{{Name: "x", Commands: []string{"destroy"}}}}}
	w := &Workdir{cfg: cfg}
	if got := w.hookNames("apply", true); strings.Join(got, ",") != "apply,destroy" {
		t.Errorf("apply of a destroy plan: %v", got)
	}
	for _, name := range []string{"state", "show", "taint", "force-unlock"} {
		if got := w.hookNames(name, false); got != nil {
			t.Errorf("%s runs hooks %v", name, got)
		}
	}
	w.stateOnly = true
	if got := w.hookNames("init", false); got != nil {
		t.Errorf("a state-only working directory runs hooks %v", got)
	}
	if !hookApplies(config.Hook{Commands: []string{"plan"}}, []string{"plan"}) ||
		hookApplies(config.Hook{Commands: []string{"plan"}, If: new(bool)}, []string{"plan"}) {
		t.Error("hookApplies")
	}
}

// TestLiveObservabilityHook: the live tree's observability units build the alarm
// forwarder's zip in a before_hook (live/_envcommon/monitoring.hcl). Prepared as plan
// prepares them, the hook runs and leaves the zip where the unit's input
// forwarder_package_path (which the module hashes) points. The aws provider is not
// available here, so only the hook is run, on a copy of the repository.
func TestLiveObservabilityHook(t *testing.T) {
	tofu := testenv.Tool(t, "tofu")
	if _, err := exec.LookPath("go"); err != nil {
		testenv.Missing(t, "go on PATH", "install Go")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	src := testenv.RepoRoot(t)
	repo := t.TempDir()
	for _, p := range []string{"go.mod", "go.sum", "cmd/alarm-forwarder", "internal/alarm", "live", "modules"} {
		s, d := filepath.Join(src, p), filepath.Join(repo, p)
		if st, err := os.Stat(s); err == nil && !st.IsDir() {
			if err := copyFile(s, d); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := copyTree(s, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	root := filepath.Join(repo, "live")
	unitDir := filepath.Join(root, "dev", "eu-central-1", "observability")
	ev := config.NewEvaluator(config.Options{RepoRoot: repo, Command: "plan"})
	u, err := ev.Unit(ctx, root, unitDir)
	if err != nil {
		t.Fatal(err)
	}
	var hook *config.Hook
	for i, h := range u.Config.Terraform.BeforeHooks {
		if slices.Contains(h.Commands, "plan") {
			hook = &u.Config.Terraform.BeforeHooks[i]
		}
	}
	if hook == nil {
		t.Fatal("the observability unit has no before_hook for plan")
	}
	pkg := u.Config.Inputs.GetAttr("forwarder_package_path")
	if pkg.Type() != cty.String || !strings.HasPrefix(pkg.AsString(), repo+string(filepath.Separator)) {
		t.Fatalf("forwarder_package_path = %#v, want a path in the repository copy", pkg)
	}
	zipPath := pkg.AsString()
	e, err := New(ctx, Options{Binary: tofu, WorkRoot: t.TempDir(), InterruptGrace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	w, err := e.Prepare(ctx, u, &log)
	if err != nil {
		t.Fatal(err)
	}
	// What plan runs before `tofu plan`, with a stand-in for the plan itself that checks
	// what the module will read.
	ran := false
	_, err = w.withHooks(ctx, w.hookNames("plan", false), w.env, func() (*result, error) {
		ran = true
		if !slices.Contains(w.env, "TF_VAR_forwarder_package_path="+zipPath) {
			t.Error("the module does not get the zip's path")
		}
		return &result{}, nil
	})
	if err != nil || !ran {
		t.Fatalf("hooks: %v (plan reached: %v)\n%s", err, ran, log.String())
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("the hook left no zip at %s: %v\n%s", zipPath, err, log.String())
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Errorf("zip holds %d files; want bootstrap alone", len(zr.File))
	}
	if !strings.Contains(log.String(), `[before_hook "`+hook.Name+`"]`) || !strings.Contains(log.String(), "source_code_hash") {
		t.Errorf("the hook's output is not in the log:\n%s", log.String())
	}
	// The hook does not touch the prepared working directory's module files.
	if !exists(filepath.Join(w.Dir, "forwarder.tf")) {
		t.Errorf("the working directory %s lacks the module", w.Dir)
	}
}
