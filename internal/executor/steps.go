package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/hclnest"
)

// ToolTime is the time spent running the tool (and the unit's hooks) in this working
// directory so far (the rest of a unit's time is olechka's own).
func (w *Workdir) ToolTime() time.Duration { return w.r.toolTime }

// LockFile is the provider dependency lock file's name.
const LockFile = ".terraform.lock.hcl"

// extra returns the unit's extra_arguments for a command: arguments and environment.
// Var files are added unless the command applies a saved plan (which refuses variables).
func (w *Workdir) extra(cmd string, savedPlan bool) ([]string, []string, error) {
	var args, env []string
	if w.cfg.Terraform == nil {
		return nil, nil, nil
	}
	for _, ea := range w.cfg.Terraform.ExtraArguments {
		if !slices.Contains(ea.Commands, cmd) {
			continue
		}
		for _, a := range ea.Arguments {
			if savedPlan && (strings.HasPrefix(a, "-var") || strings.HasPrefix(a, "--var")) {
				continue
			}
			args = append(args, a)
		}
		if !savedPlan {
			for _, f := range ea.RequiredVarFiles {
				if _, err := os.Stat(w.abs(f)); err != nil {
					return nil, nil, fmt.Errorf("extra_arguments %q: required var file %s: %w", ea.Name, f, err)
				}
				args = append(args, "-var-file="+f)
			}
			for _, f := range ea.OptionalVarFiles {
				if _, err := os.Stat(w.abs(f)); err == nil {
					args = append(args, "-var-file="+f)
				}
			}
		}
		keys := make([]string, 0, len(ea.EnvVars))
		for k := range ea.EnvVars {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			env = append(env, k+"="+ea.EnvVars[k])
		}
	}
	return args, env, nil
}

func (w *Workdir) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(w.Dir, p)
}

func (w *Workdir) lockTimeout() string {
	return fmt.Sprintf("-lock-timeout=%ds", int(w.e.opts.LockTimeout.Seconds()))
}

// do runs a tool command in the working directory with the unit's extra arguments.
func (w *Workdir) do(ctx context.Context, name string, args []string, savedPlan, capture, retry bool) (*result, error) {
	return w.doCmd(ctx, name, args, savedPlan, command{captureOut: capture, retry: retry})
}

func (w *Workdir) doCmd(ctx context.Context, name string, args []string, savedPlan bool, c command) (*result, error) {
	xargs, xenv, err := w.extra(name, savedPlan)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", w.Unit, err)
	}
	full := append([]string{name}, args...)
	// The saved plan (last argument of apply) must stay last.
	if savedPlan && len(full) > 1 {
		last := full[len(full)-1]
		full = append(append(full[:len(full)-1:len(full)-1], xargs...), last)
	} else {
		full = append(full, xargs...)
	}
	env := append(append([]string{}, w.env...), xenv...)
	c.args, c.env, c.dir = full, env, w.Dir
	defer w.flushLog()
	return w.withHooks(ctx, w.hookNames(name, c.destroy), env, func() (*result, error) {
		return w.r.run(ctx, c)
	})
}

// RestoreLockFile puts a saved provider lock file into the working directory; the next
// Init then installs exactly those providers (-lockfile=readonly).
func (w *Workdir) RestoreLockFile(path string) error {
	if err := copyFile(path, filepath.Join(w.Dir, LockFile)); err != nil {
		return fmt.Errorf("%s: restoring %s: %w", w.Unit, LockFile, err)
	}
	w.lockfileReadonly = true
	return nil
}

// Init runs init: backend configured (never migrated: -reconfigure), providers installed.
func (w *Workdir) Init(ctx context.Context) error {
	if w.e.serialInit {
		w.e.initMu.Lock()
		defer w.e.initMu.Unlock()
	}
	args := []string{"-input=false", "-no-color", "-reconfigure", w.lockTimeout()}
	args = append(args, w.backendArgs...)
	if w.lockfileReadonly {
		args = append(args, "-lockfile=readonly")
	}
	if _, err := w.do(ctx, "init", args, false, false, true); err != nil {
		return fmt.Errorf("%s: init: %w", w.Unit, err)
	}
	return nil
}

// State is what `state pull` says about the unit's remote state.
type State struct {
	Exists    bool
	Lineage   string
	Serial    uint64
	Outputs   map[string]Output
	Resources int
}

// Output is one root output in the state.
type Output struct {
	Value     json.RawMessage
	Type      json.RawMessage
	Sensitive bool
}

// OutputsValue returns the outputs as a cty object, the shape dependency.NAME.outputs has.
func (s *State) OutputsValue() (cty.Value, error) {
	attrs := map[string]cty.Value{}
	for name, o := range s.Outputs {
		t := cty.DynamicPseudoType
		if len(o.Type) > 0 {
			var err error
			t, err = ctyjson.UnmarshalType(o.Type)
			if err != nil {
				return cty.NilVal, fmt.Errorf("output %s: type: %w", name, err)
			}
		}
		var v cty.Value
		var err error
		if t == cty.DynamicPseudoType {
			var sv ctyjson.SimpleJSONValue
			err = sv.UnmarshalJSON(o.Value)
			v = sv.Value
		} else {
			v, err = ctyjson.Unmarshal(o.Value, t)
		}
		if err != nil {
			return cty.NilVal, fmt.Errorf("output %s: %w", name, err)
		}
		attrs[name] = v
	}
	return cty.ObjectVal(attrs), nil
}

// InitState initialises the working directory and pulls its state: what every caller
// that reads a unit's state (dependency outputs, staleness checks) does first.
func (w *Workdir) InitState(ctx context.Context) (*State, error) {
	if err := w.Init(ctx); err != nil {
		return nil, err
	}
	return w.StatePull(ctx)
}

// StatePull reads the unit's remote state (after Init). No state yet is not an error.
// The state's content (which may hold secrets) never reaches the log.
func (w *Workdir) StatePull(ctx context.Context) (*State, error) {
	res, err := w.do(ctx, "state", []string{"pull"}, false, true, true)
	if err != nil {
		return nil, fmt.Errorf("%s: state pull: %w", w.Unit, err)
	}
	return parseState(res.stdout)
}

func parseState(b []byte) (*State, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return &State{}, nil
	}
	var raw struct {
		Serial  uint64 `json:"serial"`
		Lineage string `json:"lineage"`
		Outputs map[string]struct {
			Value     json.RawMessage `json:"value"`
			Type      json.RawMessage `json:"type"`
			Sensitive bool            `json:"sensitive"`
		} `json:"outputs"`
		Resources []json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("state pull printed something that is not a state: %w", err)
	}
	// With no state yet, some versions print an empty state: no lineage.
	s := &State{Exists: raw.Lineage != "", Lineage: raw.Lineage, Serial: raw.Serial, Outputs: map[string]Output{}, Resources: len(raw.Resources)}
	for k, o := range raw.Outputs {
		s.Outputs[k] = Output{Value: o.Value, Type: o.Type, Sensitive: o.Sensitive}
	}
	return s, nil
}

// Plan saves a plan to planFile (relative to the working directory, or absolute),
// reports whether it changes anything, and returns the readable plan (the tool's output
// without its refresh progress lines, which is what `show` of the saved plan prints).
// destroy plans the destruction of everything. A plan takes no state lock (-lock=false):
// it is a read of state at one moment, never applied as such (apply re-checks the state
// serial and lineage), and the plan role may not write locks (docs/plan-apply.md).
func (w *Workdir) Plan(ctx context.Context, planFile string, destroy bool) (bool, []byte, error) {
	args := []string{"-input=false", "-no-color", "-lock=false", "-detailed-exitcode", "-out=" + planFile}
	if destroy {
		args = append(args, "-destroy")
	}
	res, err := w.doCmd(ctx, "plan", args, false, command{retry: true, detailed: true, teeOut: true})
	if err != nil {
		return false, nil, fmt.Errorf("%s: plan: %w", w.Unit, err)
	}
	return res.exitCode == 2, readablePlan(res.stdout), nil
}

// readablePlan drops the per-resource progress lines (refreshing, reading) from plan output.
func readablePlan(out []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.SplitAfter(string(out), "\n") {
		t := strings.TrimSpace(line)
		if strings.Contains(t, ": Refreshing state...") || strings.HasSuffix(t, ": Reading...") || strings.Contains(t, ": Read complete after ") {
			continue
		}
		b.WriteString(line)
	}
	return b.Bytes()
}

// ShowJSON returns `show -json` of a saved plan (sensitive values included: mask before
// storing).
func (w *Workdir) ShowJSON(ctx context.Context, planFile string) ([]byte, error) {
	res, err := w.do(ctx, "show", []string{"-json", "-no-color", planFile}, false, true, true)
	if err != nil {
		return nil, fmt.Errorf("%s: show -json: %w", w.Unit, err)
	}
	return res.stdout, nil
}

// Apply applies a saved plan exactly. It is not retried: a half-applied plan is stale.
// destroy says the plan is a destroy plan: hooks listing "destroy" run around it too.
func (w *Workdir) Apply(ctx context.Context, planFile string, destroy bool) error {
	args := []string{"-input=false", "-no-color", w.lockTimeout(), planFile}
	if _, err := w.doCmd(ctx, "apply", args, true, command{destroy: destroy}); err != nil {
		return fmt.Errorf("%s: apply: %w", w.Unit, err)
	}
	return nil
}

// probeAddress is a resource address no configuration uses; tainting it with
// -allow-missing takes the state lock and changes nothing.
const probeAddress = "terraform_data.olechka_lock_probe"

// LockHolder tells who holds the unit's state lock: nil when it is free. It takes the
// lock for an instant (with no wait) through `taint -allow-missing` of an address no
// configuration has, which writes nothing.
func (w *Workdir) LockHolder(ctx context.Context) (*LockInfo, error) {
	_, err := w.do(ctx, "taint", []string{"-allow-missing", "-no-color", "-lock-timeout=0s", probeAddress}, false, false, false)
	var le *LockError
	if errors.As(err, &le) {
		return &le.Holder, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: checking the state lock: %w", w.Unit, err)
	}
	return nil, nil
}

// ForceUnlock releases a lock by ID.
func (w *Workdir) ForceUnlock(ctx context.Context, id string) error {
	if _, err := w.do(ctx, "force-unlock", []string{"-force", "-no-color", id}, false, false, false); err != nil {
		return fmt.Errorf("%s: force-unlock: %w", w.Unit, err)
	}
	return nil
}

// LockFilePath is the provider lock file init wrote (or was given).
func (w *Workdir) LockFilePath() string { return filepath.Join(w.Dir, LockFile) }

// ProviderVersions reads provider address -> version from the lock file.
func (w *Workdir) ProviderVersions() (map[string]string, error) {
	src, err := os.ReadFile(w.LockFilePath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f, diags := hclnest.ParseConfig(src, LockFile, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, nil
	}
	out := map[string]string{}
	for _, b := range body.Blocks {
		if b.Type != "provider" || len(b.Labels) != 1 {
			continue
		}
		if a, ok := b.Body.Attributes["version"]; ok {
			if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type() == cty.String {
				out[b.Labels[0]] = v.AsString()
			}
		}
	}
	return out, nil
}
