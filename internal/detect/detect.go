// Package detect finds the units a change affects by comparing what each unit would
// deploy at two commits: both trees are evaluated straight from git objects (no
// checkout), and a unit is affected when its rendered result (without locals,
// dependencies as edges) or its local module source changed, when it was added or
// removed, or when a unit it depends on is affected. A comment, a reformatting or an
// unused local affects nothing.
//
// The head tree is evaluated in full, with every file system question recorded. The
// base tree is evaluated only for the units whose answers could differ: units that
// read a file whose content differs, and units removed at head. When some differing
// answer cannot be tied to the units that asked (a file appearing where a unit only
// looked for it, a folder listing that changed), every base unit is evaluated.
package detect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/gitsrc"
)

// WorkingTree is Result.Head when the head is the working tree (Options.Uncommitted).
// It is 12 characters long, so artifact.ShortID leaves it whole in messages.
const WorkingTree = "working-tree"

// Actions: the plan artifacts' own (defined once, in artifact).
const (
	ActionPlan    = artifact.ActionPlan
	ActionDestroy = artifact.ActionDestroy
)

// DefaultBaseBranches are tried, in order, for the merge base when Options.Base is empty.
var DefaultBaseBranches = []string{"origin/main", "main", "origin/master", "master"}

// Options says what to compare.
type Options struct {
	// Root is PATH: the folder whose units are compared (relative to the current
	// folder or absolute); it must lie inside the git repository. Empty: ".".
	Root string
	// Base is the ref compared against. Empty: the merge base of Head with origin/main
	// (or main); HEAD with Uncommitted.
	Base string
	// Head is the ref whose changes are detected. Empty: HEAD.
	Head string
	// Uncommitted compares Base (HEAD by default) with the working tree on disk.
	Uncommitted bool

	// Getenv answers get_env while evaluating (the same on both sides); nil: empty.
	Getenv func(string) (string, bool)
	// AllowRunCmd lets run_cmd run commands while evaluating.
	AllowRunCmd bool
	// Full evaluates every unit at both commits instead of only those whose files
	// changed. The result is the same; it is slower.
	Full bool
	// Parallelism bounds concurrent evaluations; 0 means GOMAXPROCS.
	Parallelism int
}

// Result is what changed between Base and Head.
type Result struct {
	Base  string     `json:"base"` // commit id
	Head  string     `json:"head"` // commit id, or WorkingTree
	Units []Affected `json:"units"`
	// Jobs are the packed plan jobs (Pack), filled by the caller; see jobs.go.
	Jobs []Job `json:"jobs,omitempty"`

	// Root is the absolute folder compared; unit paths are relative to it.
	Root string `json:"-"`
	// HeadErrors are units that do not evaluate at head (each is also in Units).
	HeadErrors []error `json:"-"`
	// Warnings are problems that did not stop detection, such as base units that do
	// not evaluate (each is treated as affected).
	Warnings []string `json:"-"`
	Stats    Stats    `json:"-"`
}

// Stats tell how much work detection did.
type Stats struct {
	HeadUnits     int    // units at head
	BaseUnits     int    // units at base
	BaseEvaluated int    // base units evaluated
	FullBase      string // why every base unit was evaluated, if it was
}

// Affected is one unit to plan or destroy.
type Affected struct {
	Path      string   `json:"path"`   // relative to Root, forward slashes
	Action    string   `json:"action"` // ActionPlan or ActionDestroy
	Wave      int      `json:"wave"`   // run order: plans by the head graph, then destroys in reverse base order
	Env       string   `json:"env"`
	Region    string   `json:"region"`
	Tier      string   `json:"tier,omitempty"`
	AccountID string   `json:"account_id,omitempty"`
	Reasons   []string `json:"reasons"`
}

// Run compares the units under opts.Root between two commits (or a commit and the
// working tree) and returns the affected units in run order.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Uncommitted && opts.Head != "" {
		return nil, errors.New("--head and --uncommitted cannot be used together: --uncommitted compares with the working tree")
	}
	root := opts.Root
	if root == "" {
		root = "."
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	// Resolve symbolic links in the part that exists, as the repository root is.
	existing := existingAncestor(absRoot)
	if r, err := filepath.EvalSymlinks(existing); err == nil {
		rest, _ := filepath.Rel(existing, absRoot)
		absRoot = filepath.Join(r, rest)
		existing = r
	}
	repo, err := gitsrc.Open(ctx, existing)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	rel, err := filepath.Rel(repo.Root(), absRoot)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("PATH %s is outside the git repository at %s", root, repo.Root())
	}
	evalRoot := filepath.Join(repo.Root(), rel)

	res := &Result{Root: evalRoot, Units: []Affected{}}
	var head, base *side
	if opts.Uncommitted {
		res.Head = WorkingTree
		head = workingSide(repo)
	} else {
		ref := opts.Head
		if ref == "" {
			ref = "HEAD"
		}
		if res.Head, err = repo.Resolve(ctx, ref); err != nil {
			return nil, fmt.Errorf("head: %w", err)
		}
	}
	if res.Base, err = resolveBase(ctx, repo, opts); err != nil {
		return nil, err
	}
	baseTree, err := repo.Tree(ctx, res.Base)
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	base = gitSide(repo, baseTree, res.Base)
	if head == nil {
		headTree, err := repo.Tree(ctx, res.Head)
		if err != nil {
			return nil, fmt.Errorf("head: %w", err)
		}
		head = gitSide(repo, headTree, res.Head)
	}

	if !isFolder(head.fs, evalRoot) && !isFolder(base.fs, evalRoot) {
		return nil, fmt.Errorf("%s is not a folder at base %s nor at head %s", evalRoot, artifact.ShortID(res.Base), artifact.ShortID(res.Head))
	}
	if head.tree != nil && len(gitsrc.Diff(base.tree, head.tree)) == 0 {
		return res, nil // the same tree: nothing can differ
	}
	started := time.Now()
	d := &detection{opts: opts, repo: repo, root: evalRoot, base: base, head: head, res: res, now: func() time.Time { return started }}
	if err := d.run(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

func isFolder(fsys config.FileSystem, p string) bool {
	st, err := fsys.Stat(p)
	return err == nil && st.IsDir()
}

// existingAncestor returns p or its nearest ancestor that exists on disk.
func existingAncestor(p string) string {
	for {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

// resolveBase returns the base commit: opts.Base, HEAD with Uncommitted, or the merge
// base of the head with the default branch.
func resolveBase(ctx context.Context, repo *gitsrc.Repo, opts Options) (string, error) {
	if opts.Base != "" {
		c, err := repo.Resolve(ctx, opts.Base)
		if err != nil {
			return "", fmt.Errorf("base: %w", err)
		}
		return c, nil
	}
	if opts.Uncommitted {
		c, err := repo.Resolve(ctx, "HEAD")
		if err != nil {
			return "", fmt.Errorf("base: %w", err)
		}
		return c, nil
	}
	head := opts.Head
	if head == "" {
		head = "HEAD"
	}
	for _, b := range DefaultBaseBranches {
		if !repo.HasRef(ctx, b) {
			continue
		}
		mb, err := repo.MergeBase(ctx, head, b)
		if err != nil {
			return "", fmt.Errorf("base: merge base of %s and %s: %w", head, b, err)
		}
		return mb, nil
	}
	msg := fmt.Sprintf("base: none of %s exists to take the merge base with; pass --base REF", strings.Join(DefaultBaseBranches, ", "))
	if repo.Shallow() {
		msg += gitsrc.ShallowHint
	}
	return "", errors.New(msg)
}

// detection is one run's state.
type detection struct {
	opts       Options
	repo       *gitsrc.Repo
	root       string
	base, head *side
	res        *Result
	now        func() time.Time // one clock for both commits: timestamp() does not differ between them
}

func (d *detection) evaluator(fsys config.FileSystem) *config.Evaluator {
	return config.NewEvaluator(config.Options{
		FS:          fsys,
		RepoRoot:    d.repo.Root(),
		Getenv:      d.opts.Getenv,
		AllowRunCmd: d.opts.AllowRunCmd,
		Parallelism: d.opts.Parallelism,
		Now:         d.now,
	})
}

func (d *detection) run(ctx context.Context) error {
	headDirs, err := d.head.discover(d.root)
	if err != nil {
		return fmt.Errorf("head: %w", err)
	}
	baseDirs, err := d.base.discover(d.root)
	if err != nil {
		return fmt.Errorf("base: %w", err)
	}
	d.res.Stats.HeadUnits, d.res.Stats.BaseUnits = len(headDirs), len(baseDirs)

	// Head: every unit, with every file system question recorded.
	d.head.prefetch(ctx, d.head.configFiles(d.root))
	rec := newRecorder(d.head.fs)
	headUnits, headErrs := d.evaluator(rec).Units(ctx, d.root, headDirs)
	if err := ctx.Err(); err != nil {
		return err
	}
	d.res.Warnings = append(d.res.Warnings, moduleNotes(headUnits, d.repo.Root())...)

	// Base: the units whose evaluation could differ.
	inHead := map[string]bool{}
	for _, dir := range headDirs {
		inHead[dir] = true
	}
	var baseTodo []string
	why := "--full"
	if !d.opts.Full {
		why = d.fullReason(rec, headUnits, headErrs)
	}
	if why != "" {
		d.res.Stats.FullBase = why
		baseTodo = baseDirs
	} else {
		changed := d.changedReads(rec)
		for _, dir := range baseDirs {
			if !inHead[dir] {
				baseTodo = append(baseTodo, dir) // removed: its destroy is planned from the base config
			}
		}
		inBase := map[string]bool{}
		for _, dir := range baseDirs {
			inBase[dir] = true
		}
		var files []string
		for i, u := range headUnits {
			if u != nil && inBase[headDirs[i]] && readsAny(u, changed) {
				baseTodo = append(baseTodo, headDirs[i])
				files = append(files, u.Files...)
			}
		}
		sort.Strings(baseTodo)
		for _, dir := range baseTodo {
			if !inHead[dir] {
				files = append(files, filepath.Join(dir, config.UnitFile))
			}
		}
		d.base.prefetch(ctx, files)
	}
	if d.res.Stats.FullBase != "" {
		d.base.prefetch(ctx, d.base.configFiles(d.root))
	}
	d.res.Stats.BaseEvaluated = len(baseTodo)
	baseUnits, baseErrs := d.evaluator(d.base.fs).Units(ctx, d.root, baseTodo)
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.compare(headDirs, headUnits, headErrs, baseDirs, baseTodo, baseUnits, baseErrs)
}

// fullReason returns why every base unit must be evaluated: a recorded question
// whose answer differs between the sides and cannot be tied to the units that asked.
// "" means the units reading changed files are all that can differ.
func (d *detection) fullReason(rec *recorder, headUnits []*config.Unit, headErrs []error) string {
	readers := map[string]bool{}
	for _, u := range headUnits {
		if u == nil {
			continue
		}
		for _, f := range u.Files {
			readers[f] = true
		}
	}
	failed := false
	for _, err := range headErrs {
		failed = failed || err != nil
	}
	var reasons []string
	for p, asked := range rec.asked {
		if _, ok := d.head.inRepo(p); !ok {
			continue // outside the repository: the same disk on both sides
		}
		if asked&askList != 0 {
			hl, hok := d.head.listing(p)
			bl, bok := d.base.listing(p)
			if hok != bok || hl != bl {
				reasons = append(reasons, "the listing of "+d.rel(p)+" changed")
				continue
			}
		}
		if asked&(askRead|askStat) == 0 {
			continue
		}
		hk, hid := d.head.lookup(p)
		bk, bid := d.base.lookup(p)
		if hk == bk && hid == bid {
			continue
		}
		// The answer differs. A content change of a file that exists on both sides
		// matters only to the units that read it, and every read is recorded in the
		// reader's Files; a file that exists at head and was only read (never looked
		// for) matters only to its readers too.
		contentOnly := hk == isFile && bk == isFile
		switch {
		case asked&askStat != 0 && !contentOnly:
			reasons = append(reasons, d.rel(p)+" appeared or vanished where a unit looked for it")
		case asked&askRead == 0:
		case hk != isFile:
			reasons = append(reasons, d.rel(p)+" was read but is not a file at head")
		case !readers[p] && failed:
			reasons = append(reasons, d.rel(p)+" changed and was read by a unit that does not evaluate at head")
		case !readers[p]:
			reasons = append(reasons, d.rel(p)+" changed and was read outside any unit's recorded files")
		}
	}
	if len(reasons) == 0 {
		return ""
	}
	sort.Strings(reasons)
	if len(reasons) > 3 {
		reasons = append(reasons[:3], fmt.Sprintf("and %d more", len(reasons)-3))
	}
	return strings.Join(reasons, "; ")
}

// changedReads returns the recorded reads whose content differs between the sides.
func (d *detection) changedReads(rec *recorder) map[string]bool {
	out := map[string]bool{}
	for p, asked := range rec.asked {
		if asked&askRead == 0 {
			continue
		}
		if _, ok := d.head.inRepo(p); !ok {
			continue
		}
		hk, hid := d.head.lookup(p)
		bk, bid := d.base.lookup(p)
		if hk != bk || hid != bid {
			out[p] = true
		}
	}
	return out
}

func readsAny(u *config.Unit, files map[string]bool) bool {
	for _, f := range u.Files {
		if files[f] {
			return true
		}
	}
	return false
}

func (d *detection) rel(p string) string {
	if r, ok := d.head.inRepo(p); ok {
		return r
	}
	return p
}

// unitReasons compares one unit's two evaluations.
func (d *detection) unitReasons(base, head *config.Unit) ([]string, error) {
	if base.Fingerprint == head.Fingerprint {
		return nil, nil // same deployed view and module source
	}
	var out []string
	bv, err := deployed(base, d.repo.Root())
	if err != nil {
		return nil, err
	}
	hv, err := deployed(head, d.repo.Root())
	if err != nil {
		return nil, err
	}
	out = append(out, changedKeys(bv, hv)...)
	if base.SourceHash != head.SourceHash && base.SourceDir == head.SourceDir {
		out = append(out, "module source changed: "+d.sourceChange(base, head))
	}
	return out, nil
}

// sourceChange names a module folder and the changed files among those it (and the
// local modules it calls) holds.
func (d *detection) sourceChange(base, head *config.Unit) string {
	dir := head.SourceDir
	files := map[string]bool{}
	for _, f := range append(append([]string{}, base.Files...), head.Files...) {
		r, err := filepath.Rel(dir, f)
		under := err == nil && !strings.HasPrefix(r, "..")
		// Files outside the module folder: called modules, not configuration.
		called := !strings.HasSuffix(f, ".hcl") && !strings.HasPrefix(f, d.root+string(filepath.Separator))
		if under || called {
			files[f] = true
		}
	}
	var changed []string
	for f := range files {
		hk, hid := d.head.lookup(f)
		bk, bid := d.base.lookup(f)
		if hk != bk || hid != bid {
			r, _ := filepath.Rel(dir, f)
			changed = append(changed, filepath.ToSlash(r))
		}
	}
	sort.Strings(changed)
	s := d.rel(dir)
	if len(changed) > 0 && len(changed) <= 5 {
		s += " (" + strings.Join(changed, ", ") + ")"
	} else if len(changed) > 5 {
		s += fmt.Sprintf(" (%d files)", len(changed))
	}
	return s
}

func intersect(list []string, set map[string]bool) []string {
	var out []string
	for _, x := range list {
		if set[x] {
			out = append(out, x)
		}
	}
	return out
}

// errHead is an error's first line, with " …" when the error goes on: not
// artifact.FirstLine, because detect's reasons and warnings show that more was cut.
func errHead(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}
