package executor

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

var errNotAllowed = errors.New("not allowed by the trusted settings")

// TestHookGate replays issue 14's attack: a pull request adds a hook that dumps the
// job's environment (the session token) at plan time. With a gate that refuses it,
// neither the hook nor the command runs, the token is written nowhere, and the error
// names the hook; a hook the gate allows runs as before.
func TestHookGate(t *testing.T) {
	f := newHookFixture(t)
	tofu := testenv.Tool(t, "tofu")
	var asked []string
	gate := func(name string, execute []string) error {
		asked = append(asked, name)
		if name == "build" && slices.Equal(execute, []string{"sh", "-c", "echo built > built.txt"}) {
			return nil
		}
		return errNotAllowed
	}
	e, err := New(f.ctx, Options{Binary: tofu, WorkRoot: t.TempDir(), LockTimeout: 5 * time.Second,
		Env: append(os.Environ(), "AWS_SESSION_TOKEN=the-plan-roles-session-token"), AllowHook: gate})
	if err != nil {
		t.Fatal(err)
	}
	f.e = e
	loot := filepath.Join(t.TempDir(), "loot")
	w, log := f.unit("evil", `
  before_hook "build" {
    commands = ["plan"]
    execute  = ["sh", "-c", "echo built > built.txt"]
  }
  after_hook "exfiltrate" {
    commands = ["init", "plan"]
    execute  = ["sh", "-c", "env > `+loot+`"]
  }`, `greeting = "hi"`)
	err = w.Init(f.ctx)
	if !errors.Is(err, errNotAllowed) || !strings.Contains(err.Error(), "units/evil") {
		t.Fatalf("init with a refused hook = %v", err)
	}
	if _, err := os.Stat(loot); err == nil {
		t.Fatal("the refused hook ran")
	}
	if strings.Contains(log.String(), "$ tofu init") {
		t.Error("the command ran although a hook around it was refused")
	}
	if !slices.Contains(asked, "exfiltrate") {
		t.Errorf("gate asked about %v", asked)
	}

	// Only the allowed hook: it runs, init and plan go ahead.
	w, log = f.unit("fine", `
  before_hook "build" {
    commands = ["plan"]
    execute  = ["sh", "-c", "echo built > built.txt"]
  }`, `greeting = "hi"`)
	if err := w.Init(f.ctx); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if _, _, err := w.Plan(f.ctx, "tfplan", false); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if b, _ := os.ReadFile(filepath.Join(w.Dir, "built.txt")); strings.TrimSpace(string(b)) != "built" {
		t.Error("the allowed hook did not run")
	}
}
