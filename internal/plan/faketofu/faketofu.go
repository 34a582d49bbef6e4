// Package faketofu is a plan.Tool for the orchestration's unit tests: an in-memory
// OpenTofu whose units each hold one resource, terraform_data.this, with the unit's
// inputs as its value. A plan creates it when the unit has no state, updates it when
// the inputs differ from those applied, and deletes it for a destroy; an apply makes the
// planned inputs the state and the unit's Outputs its outputs. Steps can be made to
// fail, and the state lock to be held, per unit.
package faketofu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/redact"
)

// Unit is the fake's view of one unit, keyed by unit path in Tool.Units.
type Unit struct {
	// Outputs are the unit's outputs once applied (string values).
	Outputs map[string]string
	// FailAt names a step that fails: "prepare", "init", "state", "plan", "show", "apply".
	FailAt string
	// LockHeld makes apply fail as OpenTofu does when another run holds the state lock
	// (the lock "fake-lock"); LockHolder reports it and ForceUnlock of its ID releases it.
	LockHeld bool
	// Extra adds resources to the unit's plans (a plan that differs from an earlier one).
	Extra []string

	state   *executor.State
	applied string // the inputs the state was applied with (JSON)
}

// Tool is the fake; safe for concurrent use.
type Tool struct {
	Root string // the tree root unit paths are relative to

	mu       sync.Mutex
	units    map[string]*Unit
	calls    []string
	workRoot string
}

// New returns a fake for the tree at root, with working areas under workRoot.
func New(root, workRoot string) *Tool {
	return &Tool{Root: root, units: map[string]*Unit{}, workRoot: workRoot}
}

// Unit returns the fake's unit at path, made on first use.
func (t *Tool) Unit(path string) *Unit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unit(path)
}

func (t *Tool) unit(path string) *Unit {
	u, ok := t.units[path]
	if !ok {
		u = &Unit{}
		t.units[path] = u
	}
	return u
}

// SetState gives a unit existing state (as if applied outside olechka) with these inputs.
func (t *Tool) SetState(path string, serial uint64, inputs string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.unit(path)
	u.state = &executor.State{Exists: true, Lineage: "fake-" + path, Serial: serial, Outputs: outputs(u.Outputs), Resources: 1}
	u.applied = inputs
}

// Calls lists the steps run, "unit step", in order.
func (t *Tool) Calls() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.calls...)
}

// Name is the tool's name in artifacts.
func (t *Tool) Name() string { return "tofu" }

// Version is the tool's version in artifacts.
func (t *Tool) Version() string { return "0.0.0-fake" }

// LockTimeout is the lock timeout named in lock messages.
func (t *Tool) LockTimeout() time.Duration { return time.Second }

// WorkRoot is where working areas are made.
func (t *Tool) WorkRoot() string { return t.workRoot }

// Sub returns a fake sharing t's units with working areas under workRoot.
func (t *Tool) Sub(workRoot string) plan.Tool {
	return &sub{Tool: t, root: workRoot}
}

type sub struct {
	*Tool
	root string
}

func (s *sub) WorkRoot() string { return s.root }

// Prepare prepares a unit for plan and apply.
func (t *Tool) Prepare(ctx context.Context, u *config.Unit, log io.Writer) (plan.Workdir, error) {
	return t.prepare(u, log, false)
}

// PrepareForState prepares a unit for state operations.
func (t *Tool) PrepareForState(ctx context.Context, u *config.Unit, log io.Writer) (plan.Workdir, error) {
	return t.prepare(u, log, true)
}

func (t *Tool) prepare(u *config.Unit, log io.Writer, stateOnly bool) (plan.Workdir, error) {
	path := config.RelPath(t.Root, u.Dir)
	if err := t.step(path, "prepare"); err != nil {
		return nil, err
	}
	w := &workdir{t: t, unit: path, log: log, area: filepath.Join(t.workRoot, filepath.FromSlash(path))}
	if !stateOnly && u.Config != nil && u.Config.Inputs.IsWhollyKnown() && !u.Config.Inputs.IsNull() {
		b, err := ctyjson.Marshal(u.Config.Inputs, u.Config.Inputs.Type())
		if err != nil {
			return nil, fmt.Errorf("%s: inputs: %w", path, err)
		}
		w.inputs = string(b)
	}
	return w, os.MkdirAll(w.area, 0o755)
}

// step records a step and fails it when the unit says so.
func (t *Tool) step(unit, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls = append(t.calls, unit+" "+name)
	if t.unit(unit).FailAt == name {
		return fmt.Errorf("%s: %s: exit status 1: fake failure", unit, name)
	}
	return nil
}

type workdir struct {
	t       *Tool
	unit    string
	log     io.Writer
	area    string
	inputs  string
	secrets redact.Set
}

func (w *workdir) Init(ctx context.Context) error { return w.t.step(w.unit, "init") }

func (w *workdir) InitState(ctx context.Context) (*executor.State, error) {
	if err := w.Init(ctx); err != nil {
		return nil, err
	}
	return w.StatePull(ctx)
}

func (w *workdir) StatePull(ctx context.Context) (*executor.State, error) {
	if err := w.t.step(w.unit, "state"); err != nil {
		return nil, err
	}
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	if s := w.t.unit(w.unit).state; s != nil {
		c := *s
		return &c, nil
	}
	return &executor.State{}, nil
}

// planDoc is the saved plan: what show -json prints, plus what apply needs.
type planDoc struct {
	FormatVersion   string           `json:"format_version"`
	ResourceChanges []resourceChange `json:"resource_changes"`
	Destroy         bool             `json:"olechka_fake_destroy"`
	Inputs          string           `json:"olechka_fake_inputs"`
}

type resourceChange struct {
	Address string `json:"address"`
	Mode    string `json:"mode"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Change  struct {
		Actions []string `json:"actions"`
		Before  any      `json:"before"`
		After   any      `json:"after"`
	} `json:"change"`
}

func (w *workdir) Plan(ctx context.Context, planFile string, destroy bool) (bool, []byte, error) {
	if err := w.t.step(w.unit, "plan"); err != nil {
		return false, nil, err
	}
	w.t.mu.Lock()
	u := w.t.unit(w.unit)
	exists, applied, extra := u.state != nil && u.state.Exists, u.applied, u.Extra
	w.t.mu.Unlock()
	var inputs, before any
	_ = json.Unmarshal([]byte(w.inputs), &inputs)
	_ = json.Unmarshal([]byte(applied), &before)
	action := "no-op"
	switch {
	case destroy && exists:
		action = "delete"
	case destroy:
	case !exists:
		action = "create"
	case applied != w.inputs:
		action = "update"
	}
	doc := planDoc{FormatVersion: "1.2", Destroy: destroy, Inputs: w.inputs}
	for _, name := range append([]string{"this"}, extra...) {
		rc := resourceChange{Address: "terraform_data." + name, Mode: "managed", Type: "terraform_data", Name: name}
		rc.Change.Actions = []string{action}
		if action != "create" {
			rc.Change.Before = map[string]any{"input": before}
		}
		if action != "delete" {
			rc.Change.After = map[string]any{"input": inputs}
		}
		if name != "this" && action == "no-op" {
			rc.Change.Actions, rc.Change.Before = []string{"create"}, nil
		}
		doc.ResourceChanges = append(doc.ResourceChanges, rc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return false, nil, err
	}
	if err := os.WriteFile(planFile, b, 0o600); err != nil {
		return false, nil, err
	}
	changes := action != "no-op" || len(extra) > 0
	return changes, []byte(fmt.Sprintf("%s: terraform_data.this will be %s\n", w.unit, action)), nil
}

func (w *workdir) ShowJSON(ctx context.Context, planFile string) ([]byte, error) {
	if err := w.t.step(w.unit, "show"); err != nil {
		return nil, err
	}
	return os.ReadFile(planFile)
}

func (w *workdir) Apply(ctx context.Context, planFile string, destroy bool) error {
	if err := w.t.step(w.unit, "apply"); err != nil {
		return err
	}
	b, err := os.ReadFile(planFile)
	if err != nil {
		return err
	}
	var doc planDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: not a plan: %w", planFile, err)
	}
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	u := w.t.unit(w.unit)
	if u.LockHeld {
		return &executor.LockError{Holder: fakeLock}
	}
	serial := uint64(0)
	if u.state != nil {
		serial = u.state.Serial
	}
	u.state = &executor.State{Exists: !doc.Destroy, Lineage: "fake-" + w.unit, Serial: serial + 1, Resources: 1}
	u.applied = doc.Inputs
	if !doc.Destroy {
		u.state.Outputs = outputs(u.Outputs)
	}
	return nil
}

// fakeLock is the lock a unit with LockHeld is held by.
var fakeLock = executor.LockInfo{ID: "fake-lock", Who: "someone@elsewhere", Operation: "OperationTypeApply"}

// LockHolder reports fakeLock when the unit's LockHeld is set, nil otherwise.
func (w *workdir) LockHolder(ctx context.Context) (*executor.LockInfo, error) {
	if err := w.t.step(w.unit, "lock-holder"); err != nil {
		return nil, err
	}
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	if !w.t.unit(w.unit).LockHeld {
		return nil, nil
	}
	h := fakeLock
	return &h, nil
}

// ForceUnlock releases the unit's lock when id is fakeLock's.
func (w *workdir) ForceUnlock(ctx context.Context, id string) error {
	if err := w.t.step(w.unit, "force-unlock"); err != nil {
		return err
	}
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	u := w.t.unit(w.unit)
	if !u.LockHeld || id != fakeLock.ID {
		return fmt.Errorf("%s: force-unlock: exit status 1: no lock %s", w.unit, id)
	}
	u.LockHeld = false
	return nil
}

func outputs(m map[string]string) map[string]executor.Output {
	out := map[string]executor.Output{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(m[k])
		out[k] = executor.Output{Value: v, Type: json.RawMessage(`"string"`)}
	}
	return out
}

func (w *workdir) RestoreLockFile(path string) error { return nil }
func (w *workdir) LockFilePath() string              { return filepath.Join(w.area, ".terraform.lock.hcl") }
func (w *workdir) ProviderVersions() (map[string]string, error) {
	return nil, errors.New("fake: no providers")
}
func (w *workdir) SimulatedProviders() []string { return nil }
func (w *workdir) Secrets() *redact.Set         { return &w.secrets }
func (w *workdir) AddSecrets(vals ...string)    { w.secrets.Add(vals...) }
func (w *workdir) Redact(b []byte) []byte       { return w.secrets.Bytes(b) }
func (w *workdir) ToolTime() time.Duration      { return 0 }
func (w *workdir) Area() string                 { return w.area }
