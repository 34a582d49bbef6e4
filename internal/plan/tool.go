package plan

import (
	"context"
	"io"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/redact"
)

// Tool is what plan and apply ask of OpenTofu: a working directory prepared for a unit,
// and the facts recorded in artifacts. Tofu wraps the real executor; the orchestration's
// unit tests use a fake (internal/plan/faketofu).
type Tool interface {
	// Prepare builds the unit's working directory for plan and apply.
	Prepare(ctx context.Context, u *config.Unit, log io.Writer) (Workdir, error)
	// PrepareForState builds it for state operations only (no inputs, no hooks).
	PrepareForState(ctx context.Context, u *config.Unit, log io.Writer) (Workdir, error)
	Name() string               // "tofu" or "terraform"
	Version() string            // the tool's version
	LockTimeout() time.Duration // how long a command waits for the state lock
	WorkRoot() string           // where working directories live
	Sub(workRoot string) Tool   // the same tool with working directories under workRoot
}

// Workdir is one unit's prepared working directory: the OpenTofu commands plan and
// apply run there, and the secrets masked in what it writes.
type Workdir interface {
	Init(ctx context.Context) error
	InitState(ctx context.Context) (*executor.State, error) // init, then state pull
	StatePull(ctx context.Context) (*executor.State, error)
	// Plan writes planFile and reports whether it has changes, with its readable text.
	Plan(ctx context.Context, planFile string, destroy bool) (bool, []byte, error)
	ShowJSON(ctx context.Context, planFile string) ([]byte, error)
	Apply(ctx context.Context, planFile string, destroy bool) error
	RestoreLockFile(path string) error
	LockFilePath() string
	ProviderVersions() (map[string]string, error)
	SimulatedProviders() []string
	Secrets() *redact.Set
	AddSecrets(vals ...string)
	Redact(b []byte) []byte
	ToolTime() time.Duration // time spent in the tool so far
	Area() string            // the unit's working area (where a sealed plan is opened)
}

// Tofu is the real Tool: OpenTofu (or Terraform) run by ex.
func Tofu(ex *executor.Executor) Tool { return tofu{ex} }

type tofu struct{ ex *executor.Executor }

func (t tofu) Prepare(ctx context.Context, u *config.Unit, log io.Writer) (Workdir, error) {
	w, err := t.ex.Prepare(ctx, u, log)
	if err != nil {
		return nil, err
	}
	return tofuWorkdir{w}, nil
}

func (t tofu) PrepareForState(ctx context.Context, u *config.Unit, log io.Writer) (Workdir, error) {
	w, err := t.ex.PrepareForState(ctx, u, log)
	if err != nil {
		return nil, err
	}
	return tofuWorkdir{w}, nil
}

func (t tofu) Name() string               { return t.ex.Name() }
func (t tofu) Version() string            { return t.ex.Version() }
func (t tofu) LockTimeout() time.Duration { return t.ex.LockTimeout() }
func (t tofu) WorkRoot() string           { return t.ex.WorkRoot() }
func (t tofu) Sub(workRoot string) Tool   { return tofu{t.ex.Sub(workRoot)} }

// tofuWorkdir is an executor.Workdir seen as a Workdir.
type tofuWorkdir struct{ *executor.Workdir }

func (w tofuWorkdir) Area() string { return w.Root }
