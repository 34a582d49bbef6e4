// Package config evaluates Terragrunt configuration the way Terragrunt does: includes
// with their merge strategies, locals, dependencies with mock outputs, Terragrunt's
// functions and OpenTofu's function library. Shared files are parsed once per
// Evaluator, and every unit records the files it read and a fingerprint of its result.
package config

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/sync/errgroup"
)

// Options configures an Evaluator.
type Options struct {
	// FS is where files are read from; nil means the machine's file system.
	FS FileSystem
	// RepoRoot is the repository root for get_repo_root and friends, and is abstracted
	// out of fingerprints. Empty: found by looking for .git above each unit.
	RepoRoot string
	// Getenv answers get_env; nil means an empty environment.
	Getenv func(string) (string, bool)
	// AllowRunCmd lets run_cmd run commands; it is refused otherwise.
	AllowRunCmd bool
	// Outputs returns the real outputs of the unit in a dependency's folder, when the
	// caller has them (plan and apply do). nil, or false: mock_outputs are used.
	Outputs func(depDir string) (cty.Value, bool)
	// TreeRoot, when set, is the root of the tree a command runs on (plan and apply
	// set it): a dependency outside it, or whose configuration does not parse, is an
	// error, never replaced by its mock_outputs, since its outputs cannot be read.
	TreeRoot string
	// Command is the OpenTofu command being prepared ("plan", "apply", ...). Empty
	// means rendering, where mock_outputs are always allowed.
	Command string
	// Render evaluates as `terragrunt render` does (olechka's render and graph set
	// it; detect, validate, plan and apply do not): a dependency with neither outputs
	// nor mock_outputs has no outputs attribute instead of failing the unit, and a
	// file whose attributes fail on an unsupported attribute (such as
	// dependency.NAME.outputs.X of that dependency) still renders: the failing
	// values are left unset, "" inside inputs. Each such failure is kept in
	// Unit.Warnings.
	Render bool
	// AWSAccountID and AWSCallerARN answer get_aws_account_id and
	// get_aws_caller_identity_arn, which would otherwise need AWS credentials.
	AWSAccountID string
	AWSCallerARN string
	// Parallelism bounds Tree's concurrent evaluations; 0 means GOMAXPROCS.
	Parallelism int
	// WorkRoot is where olechka's executor prepares the units' working folders
	// (WorkRoot/UNIT/src): get_working_dir answers from it. Empty: Terragrunt's
	// .terragrunt-cache folder, which is what `terragrunt render` prints.
	WorkRoot string
	// Now is the clock timestamp() reads; nil means the machine's. Two evaluations that
	// are compared (detect's base and head) share one frozen clock.
	Now func() time.Time
}

// Evaluator evaluates units. It caches parsed files, read_terragrunt_config results
// and module source hashes, and is safe for concurrent use.
type Evaluator struct {
	opts Options
	base *hcl.EvalContext // OpenTofu's functions; every scope's context is a child

	mu      sync.Mutex
	parsed  map[string]*parsedFile
	reads   map[string]*readResult
	sources map[string]*sourceHash
	cmds    map[string]*cmdResult
	exists  sync.Map // path -> bool: whether a file exists there
	notes   sync.Map // module folder -> []string: its reads not resolved statically
}

// fileExists tells whether a file exists, asking the file system once per path.
func (e *Evaluator) fileExists(p string) bool {
	if v, ok := e.exists.Load(p); ok {
		return v.(bool)
	}
	ok := fileExists(e.opts.FS, p)
	e.exists.Store(p, ok)
	return ok
}

// NewEvaluator returns an Evaluator with opts.
func NewEvaluator(opts Options) *Evaluator {
	if opts.FS == nil {
		opts.FS = OSFileSystem{}
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) (string, bool) { return "", false }
	}
	if opts.RepoRoot != "" {
		opts.RepoRoot = filepath.Clean(opts.RepoRoot)
	}
	if opts.TreeRoot != "" {
		if abs, err := filepath.Abs(opts.TreeRoot); err == nil {
			opts.TreeRoot = abs
		}
	}
	return &Evaluator{
		opts:    opts,
		base:    baseContext(opts.Now),
		parsed:  map[string]*parsedFile{},
		reads:   map[string]*readResult{},
		sources: map[string]*sourceHash{},
		cmds:    map[string]*cmdResult{},
	}
}

// baseContext holds the functions every scope shares: OpenTofu's library and
// Terragrunt's functions that depend on nothing.
func baseContext(now func() time.Time) *hcl.EvalContext {
	fns := stdFunctions()
	staticTerragruntFunctions(fns)
	compatFunctions(fns)
	if now != nil {
		fns["timestamp"] = timestampFunc(now)
	}
	return &hcl.EvalContext{Functions: fns}
}

// FS returns the file system the evaluator reads.
func (e *Evaluator) FS() FileSystem { return e.opts.FS }

// cacheEntry returns the entry of key in the evaluator's cache m (guarded by mu),
// adding an empty one: each entry holds a sync.Once, so that what it caches (a parsed
// file, a read_terragrunt_config result, a source hash, a command's output) is
// computed once.
func cacheEntry[V any](mu *sync.Mutex, m map[string]*V, key string) *V {
	mu.Lock()
	defer mu.Unlock()
	v, ok := m[key]
	if !ok {
		v = new(V)
		m[key] = v
	}
	return v
}

type parsedFile struct {
	once  sync.Once
	body  *hclsyntax.Body
	diags hcl.Diagnostics
	err   error
}

// parse returns the parsed body of a file, parsing each file once.
func (e *Evaluator) parse(path string) (*hclsyntax.Body, hcl.Diagnostics, error) {
	p := cacheEntry(&e.mu, e.parsed, path)
	p.once.Do(func() {
		src, err := e.opts.FS.ReadFile(path)
		if err != nil {
			p.err = err
			return
		}
		f, diags := hclnest.ParseConfig(src, path, hcl.InitialPos)
		p.diags = diags
		if f != nil {
			p.body, _ = f.Body.(*hclsyntax.Body)
		}
	})
	return p.body, p.diags, p.err
}

// Error is an evaluation failure: HCL diagnostics, each naming file:line:col.
type Error struct {
	Path  string // unit path, or file when no unit applies
	Diags hcl.Diagnostics
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, d := range e.Diags.Errs() {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(FormatDiagnostic(d))
	}
	return b.String()
}

// FormatDiagnostic renders an HCL diagnostic as "file:line:col: summary: detail".
func FormatDiagnostic(err error) string {
	var d *hcl.Diagnostic
	if !errors.As(err, &d) {
		return err.Error()
	}
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	if d.Subject == nil || d.Subject.Filename == "" {
		return msg
	}
	if d.Subject.Start.Line == 0 {
		return d.Subject.Filename + ": " + msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, msg)
}

// Tree is every unit under a root.
type Tree struct {
	Root   string
	Units  []*Unit  // sorted by Path
	Errors []error  // one per unit that failed; other units are still evaluated
	Broken []string // paths of the units that failed, sorted, in the order of Errors
	// BrokenDeps holds, with Options.Render, the dependency folders (absolute) of each
	// broken unit that a partial parse finds, as Terragrunt's discovery does: the
	// config_path and dependencies.paths that evaluate without locals or outputs.
	BrokenDeps map[string][]string
}

// Err joins the tree's errors, or returns nil.
func (t *Tree) Err() error { return errors.Join(t.Errors...) }

// Unit returns the unit at a path relative to the tree root, or nil.
func (t *Tree) Unit(path string) *Unit {
	i := sort.Search(len(t.Units), func(i int) bool { return t.Units[i].Path >= path })
	if i < len(t.Units) && t.Units[i].Path == path {
		return t.Units[i]
	}
	return nil
}

// Tree evaluates every unit under root in parallel. A unit that fails is reported in
// Errors; the others are still evaluated. The error is non-nil only when the root
// itself cannot be read.
func (e *Evaluator) Tree(ctx context.Context, root string) (*Tree, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	dirs, err := Discover(e.opts.FS, root)
	if err != nil {
		return nil, err
	}
	units, errs := e.Units(ctx, root, dirs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := &Tree{Root: root}
	for i := range dirs {
		if errs[i] != nil {
			t.Errors = append(t.Errors, errs[i])
			t.Broken = append(t.Broken, RelPath(root, dirs[i]))
			if e.opts.Render {
				if deps := e.partialDependencyDirs(ctx, dirs[i]); len(deps) > 0 {
					if t.BrokenDeps == nil {
						t.BrokenDeps = map[string][]string{}
					}
					t.BrokenDeps[RelPath(root, dirs[i])] = deps
				}
			}
			continue
		}
		t.Units = append(t.Units, units[i])
	}
	return t, nil
}

// Units evaluates the units in dirs (absolute folders) in parallel, bounded by
// Options.Parallelism; units and errors line up with dirs. Paths are relative to root.
func (e *Evaluator) Units(ctx context.Context, root string, dirs []string) ([]*Unit, []error) {
	units := make([]*Unit, len(dirs))
	errs := make([]error, len(dirs))
	n := e.opts.Parallelism
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	var g errgroup.Group
	g.SetLimit(n)
	for i := range dirs {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			units[i], errs[i] = e.unit(ctx, root, dirs[i])
			return nil
		})
	}
	_ = g.Wait() // each unit's error is in errs
	return units, errs
}

// Unit evaluates the unit in dir; its Path is relative to root.
func (e *Evaluator) Unit(ctx context.Context, root, dir string) (*Unit, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return e.unit(ctx, root, dir)
}

func (e *Evaluator) unit(ctx context.Context, root, dir string) (u *Unit, err error) {
	path := RelPath(root, dir)
	defer func() {
		// The evaluator must never take the process down, whatever the input.
		if r := recover(); r != nil {
			u, err = nil, fmt.Errorf("%s: internal error while evaluating: %v\n%s", path, r, debug.Stack())
		}
	}()
	ue := &unitEval{e: e, ctx: ctx, dir: dir, path: path, files: map[string]bool{}, reads: map[string]cty.Value{}}
	cfg, _, diags := ue.evalConfigFile(filepath.Join(dir, UnitFile), dir, nil)
	if diags.HasErrors() {
		return nil, &Error{Path: path, Diags: diags}
	}
	u = &Unit{Dir: dir, Path: path, Config: cfg, ReadConfigs: ue.reads, Warnings: ue.warnings}
	if src, ok := cfg.Terraform.LocalSourceDir(); ok {
		sh, err := e.sourceHash(src)
		switch {
		case err != nil && e.opts.Render:
			// terragrunt render renders the source as written.
			u.Warnings = append(u.Warnings, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Module source not read",
				Detail:   fmt.Sprintf("terraform.source %q: %v", cfg.Terraform.Source, err),
				Subject:  &hcl.Range{Filename: filepath.Join(dir, UnitFile)},
			})
		case err != nil:
			return nil, fmt.Errorf("%s: terraform.source %q: %w", path, cfg.Terraform.Source, err)
		default:
			u.SourceDir = src
			u.SourceHash = sh.hash
			u.ModuleNotes = sh.notes
			for _, f := range sh.files {
				ue.files[f] = true
			}
		}
	}
	for f := range ue.files {
		u.Files = append(u.Files, f)
	}
	sort.Strings(u.Files)
	u.Env = inputString(cfg.Inputs, "environment", "env")
	u.Region = inputString(cfg.Inputs, "aws_region", "region")
	u.Tier = inputString(cfg.Inputs, "tier")
	u.AccountID = inputString(cfg.Inputs, "aws_account_id", "account_id")
	u.Fingerprint, err = e.fingerprint(u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return u, nil
}

func inputString(v cty.Value, keys ...string) string {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return ""
	}
	m := v.AsValueMap()
	for _, k := range keys {
		x, ok := m[k]
		if ok && x.IsKnown() && !x.IsNull() && x.Type() == cty.String {
			return x.AsString()
		}
	}
	return ""
}

// unitEval is the state of one unit's evaluation.
type unitEval struct {
	e    *Evaluator
	ctx  context.Context
	dir  string // the unit's folder (get_original_terragrunt_dir)
	path string // the unit's path relative to the tree root
	// noWorkingDir is set while the unit's source is evaluated for get_working_dir,
	// which returns "" meanwhile (as in Terragrunt).
	noWorkingDir bool
	files        map[string]bool      // files read
	reads        map[string]cty.Value // read_terragrunt_config results by path
	// warnings are the errors Options.Render tolerated.
	warnings hcl.Diagnostics
}

// fork returns an evaluation for the same unit that records its own files read and
// read_terragrunt_config results.
func (u *unitEval) fork() *unitEval {
	return &unitEval{e: u.e, ctx: u.ctx, dir: u.dir, path: u.path, noWorkingDir: u.noWorkingDir,
		files: map[string]bool{}, reads: map[string]cty.Value{}}
}

func (u *unitEval) read(path string) {
	u.files[path] = true
}

// renderCommand is what get_terraform_command returns at render, as in Terragrunt.
const renderCommand = "render"

// command is the OpenTofu command being prepared; at render (Options.Render
// without a Command), "render", as `terragrunt render` reports.
func (e *Evaluator) command() string {
	if e.opts.Command == "" && e.opts.Render {
		return renderCommand
	}
	return e.opts.Command
}
