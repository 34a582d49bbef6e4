// Package artifact reads and writes plan artifacts: per unit, the binary plan OpenTofu
// saved, its JSON (sensitive values masked), the readable plan, the metadata apply needs
// to refuse a stale plan, a summary for review and notifications, and the unit's logs.
//
// Layout of a plan folder (olechka plan --out DIR):
//
//	DIR/run.json                      the run: commit, tree root, waves, tool versions
//	DIR/units/<unit path>/metadata.json
//	DIR/units/<unit path>/summary.json  (absent when the plan failed)
//	DIR/units/<unit path>/tfplan        binary plan, applied as is by olechka apply
//	DIR/units/<unit path>/plan.json     tofu show -json, sensitive values masked
//	DIR/units/<unit path>/plan.txt      tofu show, no colour
//	DIR/units/<unit path>/plan.log      everything OpenTofu printed while planning
//	DIR/units/<unit path>/.terraform.lock.hcl  provider locks the plan was made with
//	DIR/units/<unit path>/digests.json  SHA-256 of the files above, recorded at plan time
//	DIR/units/<unit path>/apply.json, apply.log  written by olechka apply
package artifact

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// FormatVersion is the version of the metadata, summary and run files written here.
const FormatVersion = 1

// File names inside a unit's artifact folder.
const (
	RunFile         = "run.json"
	UnitsDir        = "units"
	MetadataFile    = "metadata.json"
	SummaryFile     = "summary.json"
	PlanFile        = "tfplan"
	PlanJSONFile    = "plan.json"
	PlanTextFile    = "plan.txt"
	PlanLogFile     = "plan.log"
	LockFile        = ".terraform.lock.hcl"
	ApplyResultFile = "apply.json"
	ApplyLogFile    = "apply.log"
)

// Actions a plan carries out.
const (
	ActionPlan    = "plan"    // create/update towards the configuration
	ActionDestroy = "destroy" // destroy everything the unit manages
)

// Plan statuses.
const (
	StatusPlanned = "planned" // a saved plan exists (it may have no changes)
	StatusFailed  = "failed"  // OpenTofu (or preparing the unit) failed; see Error and plan.log
	StatusSkipped = "skipped" // not planned because a dependency failed; see SkippedBecause
)

// Run describes one `olechka plan` invocation.
type Run struct {
	Version   int        `json:"version"`
	Commit    string     `json:"commit,omitempty"`
	Root      string     `json:"root"` // tree root, relative to the repository root (forward slashes)
	CreatedAt time.Time  `json:"created_at"`
	Units     []string   `json:"units"`           // unit paths, sorted
	Waves     [][]string `json:"waves,omitempty"` // apply order of Units
	// Base is the commit the destroys of removed units were planned from (olechka plan
	// --changed); empty when there are none.
	Base  string `json:"base,omitempty"`
	Tools Tools  `json:"tools"`
}

// Metadata is what apply needs to decide whether a plan still applies, and what review
// and notifications show about it.
type Metadata struct {
	Version int    `json:"version"`
	Unit    string `json:"unit"` // path relative to the tree root, forward slashes
	Root    string `json:"root"` // tree root, relative to the repository root
	Action  string `json:"action"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
	// SkippedBecause names the failed or skipped dependency that kept this unit from planning.
	SkippedBecause string `json:"skipped_because,omitempty"`
	Commit         string `json:"commit,omitempty"`
	// BaseCommit is set for a unit removed at Commit: its destroy (Action "destroy") was
	// planned from its configuration at this commit, which apply evaluates it at again.
	BaseCommit string    `json:"base_commit,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Duration   Duration  `json:"duration"`
	// ToolDuration is the part of Duration spent in OpenTofu; the rest is olechka's.
	ToolDuration Duration `json:"tool_duration"`
	// Fingerprint is the unit's config fingerprint (internal/config) at plan time.
	Fingerprint string `json:"fingerprint"`
	Env         string `json:"env,omitempty"`
	Region      string `json:"region,omitempty"`
	Tier        string `json:"tier,omitempty"`
	AccountID   string `json:"account_id,omitempty"`
	Wave        int    `json:"wave"`
	// DependsOn lists the unit paths this unit depends on.
	DependsOn []string `json:"depends_on,omitempty"`
	// State is the unit's remote state when the plan was made.
	State StateRef `json:"state"`
	// Dependencies records the dependency outputs the plan was made with.
	Dependencies []DependencyUse `json:"dependencies,omitempty"`
	HasChanges   bool            `json:"has_changes"`
	Tools        Tools           `json:"tools"`
	// Simulated lists the providers the plan ran with that simulate their service (the
	// AWS simulator in local mode; see simulated.go): nothing was asked of the real one.
	Simulated []string `json:"simulated,omitempty"`
}

// Mocks names the dependencies whose outputs were (wholly or partly) mock_outputs.
func (m *Metadata) Mocks() []string {
	var out []string
	for _, d := range m.Dependencies {
		if d.Mocked {
			out = append(out, d.Name)
		}
	}
	return out
}

// StateRef identifies a state snapshot. OpenTofu bumps Serial on every write; a new
// Lineage means the state was replaced.
type StateRef struct {
	Exists  bool   `json:"exists"`
	Lineage string `json:"lineage,omitempty"`
	Serial  uint64 `json:"serial"`
}

func (s StateRef) String() string {
	if !s.Exists {
		return "no state"
	}
	return fmt.Sprintf("lineage %s serial %d", s.Lineage, s.Serial)
}

// DependencyUse is one dependency block and the outputs the plan saw through it.
type DependencyUse struct {
	Name   string `json:"name"` // dependency block name
	Unit   string `json:"unit"` // unit path of the dependency
	Mocked bool   `json:"mocked"`
	// Outputs maps output name to what the plan used. Sensitive values are not stored,
	// only their hash.
	Outputs map[string]OutputUse `json:"outputs,omitempty"`
}

// OutputUse is one dependency output as used by a plan.
type OutputUse struct {
	Hash      string          `json:"hash"` // sha256 of the value's canonical JSON
	Value     json.RawMessage `json:"value,omitempty"`
	Sensitive bool            `json:"sensitive,omitempty"`
	Mocked    bool            `json:"mocked,omitempty"`
}

// Tools records the versions a plan was made with.
type Tools struct {
	Olechka   string            `json:"olechka,omitempty"`
	Binary    string            `json:"binary,omitempty"` // "tofu" or "terraform"
	Version   string            `json:"version,omitempty"`
	Providers map[string]string `json:"providers,omitempty"` // provider address -> version
}

// ApplyStatus is how a unit's apply ended: the one vocabulary apply writes and review,
// the pipeline and notify read.
type ApplyStatus string

// Apply statuses.
const (
	Applied   ApplyStatus = "applied"
	Unchanged ApplyStatus = "unchanged" // the plan had no changes; nothing to apply
	Failed    ApplyStatus = "failed"
	Refused   ApplyStatus = "refused"   // stale plan; see Reason
	Skipped   ApplyStatus = "skipped"   // a dependency did not apply, or the plan itself failed
	Replanned ApplyStatus = "replanned" // stale plan re-planned (--replan-stale); needs a new review
)

// Done reports whether the unit's plan is applied (or had nothing to apply).
func (s ApplyStatus) Done() bool { return s == Applied || s == Unchanged }

// Retry reports whether the unit may apply after a new plan: refused as stale, skipped
// behind a dependency, or re-planned.
func (s ApplyStatus) Retry() bool { return s == Refused || s == Skipped || s == Replanned }

// ApplyResult is what olechka apply wrote for a unit.
type ApplyResult struct {
	Version   int         `json:"version"`
	Unit      string      `json:"unit"`
	Status    ApplyStatus `json:"status"`
	Error     string      `json:"error,omitempty"`
	Reason    string      `json:"reason,omitempty"`
	StartedAt time.Time   `json:"started_at"`
	Duration  Duration    `json:"duration"`
	// ToolDuration is the part of Duration spent in OpenTofu.
	ToolDuration Duration `json:"tool_duration"`
	StateAfter   StateRef `json:"state_after"`
}

// Duration marshals as seconds with millisecond precision.
type Duration time.Duration

// MarshalJSON writes seconds as a number.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%.3f", time.Duration(d).Seconds())), nil
}

// UnmarshalJSON reads seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(f * float64(time.Second))
	return nil
}

// Plan is one unit's artifact folder.
type Plan struct {
	Dir string // the unit's artifact folder
	// Path is the unit path the folder sits at under DIR/units (set by ReadDir); a
	// plan whose Metadata.Unit differs was put under another unit's path.
	Path     string
	Metadata Metadata
	// Digests are what the plan recorded in digests.json; nil when it recorded none.
	Digests *Digests
	Summary *Summary     // nil when the plan failed or was skipped
	Applied *ApplyResult // nil until olechka apply wrote one
}

// File returns the path of a file in the plan's folder.
func (p *Plan) File(name string) string { return filepath.Join(p.Dir, name) }

// UnitDir returns the artifact folder of a unit under a plan folder.
func UnitDir(dir, unit string) string {
	return filepath.Join(dir, UnitsDir, filepath.FromSlash(unit))
}

// ReadDir reads every unit's plan under a plan folder, sorted by unit path.
func ReadDir(dir string) ([]*Plan, error) {
	base := filepath.Join(dir, UnitsDir)
	if _, err := os.Stat(base); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s holds no plans (no %s folder): run olechka plan --out %s first", dir, UnitsDir, dir)
		}
		return nil, err
	}
	var plans []*Plan
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() != MetadataFile {
			return nil
		}
		p, err := Read(filepath.Dir(path))
		if err != nil {
			return err
		}
		if rel, err := filepath.Rel(base, p.Dir); err == nil {
			p.Path = filepath.ToSlash(rel)
		}
		plans = append(plans, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(plans, func(i, j int) bool { return plans[i].Metadata.Unit < plans[j].Metadata.Unit })
	return plans, nil
}

// ByUnit indexes plans by unit path.
func ByUnit(plans []*Plan) map[string]*Plan {
	m := make(map[string]*Plan, len(plans))
	for _, p := range plans {
		m[p.Metadata.Unit] = p
	}
	return m
}

// Read reads one unit's artifact folder.
func Read(dir string) (*Plan, error) {
	p := &Plan{Dir: dir}
	if err := readJSON(filepath.Join(dir, MetadataFile), &p.Metadata); err != nil {
		return nil, err
	}
	if p.Metadata.Version > FormatVersion {
		return nil, fmt.Errorf("%s: format version %d is newer than this olechka understands (%d)", filepath.Join(dir, MetadataFile), p.Metadata.Version, FormatVersion)
	}
	var s Summary
	switch err := readJSON(filepath.Join(dir, SummaryFile), &s); {
	case err == nil:
		p.Summary = &s
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	switch d, err := ReadDigests(dir); {
	case err == nil:
		p.Digests = d
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	var a ApplyResult
	switch err := readJSON(filepath.Join(dir, ApplyResultFile), &a); {
	case err == nil:
		p.Applied = &a
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	return p, nil
}

// ReadRun reads a plan folder's run.json.
func ReadRun(dir string) (*Run, error) {
	var r Run
	if err := readJSON(filepath.Join(dir, RunFile), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// WriteRun writes run.json into a plan folder.
func WriteRun(dir string, r *Run) error {
	r.Version = FormatVersion
	return WriteJSON(filepath.Join(dir, RunFile), r)
}

// WriteMetadata writes metadata.json into a unit's artifact folder, and then the
// digests of the folder's files (digests.json): metadata is the last file a plan
// writes, so every plan ends sealed.
func WriteMetadata(dir string, m *Metadata) error {
	m.Version = FormatVersion
	if err := WriteJSON(filepath.Join(dir, MetadataFile), m); err != nil {
		return err
	}
	return WriteDigests(dir, m.Unit)
}

// WriteSummary writes summary.json into a unit's artifact folder.
func WriteSummary(dir string, s *Summary) error {
	s.Version = FormatVersion
	return WriteJSON(filepath.Join(dir, SummaryFile), s)
}

// WriteApplyResult writes apply.json into a unit's artifact folder.
func WriteApplyResult(dir string, a *ApplyResult) error {
	a.Version = FormatVersion
	return WriteJSON(filepath.Join(dir, ApplyResultFile), a)
}

// WriteJSONFile writes v as indented JSON to path, as a plain file (mode 0644, the
// folder must exist): the run's files that are no plan artifact (detect.json,
// review.json) are written this way.
func WriteJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v as indented JSON, atomically (temporary file, then rename).
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFile(path, append(b, '\n'))
}

// WriteFile writes data atomically, creating parent folders.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// cleanUnit rejects unit paths that would escape the plan folder.
func cleanUnit(unit string) (string, error) {
	if unit == "" || strings.HasPrefix(unit, "/") || strings.Contains(unit, "\\") {
		return "", fmt.Errorf("invalid unit path %q", unit)
	}
	for _, part := range strings.Split(unit, "/") {
		if part == "" || part == "." || part == ".." {
			return "", fmt.Errorf("invalid unit path %q", unit)
		}
	}
	return unit, nil
}

// NewUnitDir creates the artifact folder of a unit, removing the files a previous plan
// left there (folders are kept: they hold the artifacts of units nested below this one).
func NewUnitDir(dir, unit string) (string, error) {
	unit, err := cleanUnit(unit)
	if err != nil {
		return "", err
	}
	d := UnitDir(dir, unit)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(d)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if !e.IsDir() {
			if err := os.Remove(filepath.Join(d, e.Name())); err != nil {
				return "", err
			}
		}
	}
	return d, nil
}

// HasChanges reports whether the plan changes anything: its summary's verdict, else
// its metadata's (a plan without a summary failed or was skipped).
func (p *Plan) HasChanges() bool {
	if p.Summary != nil {
		return p.Summary.HasChanges
	}
	return p.Metadata.HasChanges
}
