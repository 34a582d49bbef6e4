// Package security scans OpenTofu modules with trivy's embedded Terraform checks, as a
// library and offline, evaluating each module with a unit's real inputs (passed to
// trivy as a tfvars JSON file). Results are cached per module content + input set, so
// a module used by many units with the same inputs is scanned once.
//
// Inline suppressions (`#trivy:ignore:AVD-AWS-0089`, trivy's own syntax) must say why:
// a reason on the same comment or in a comment line right above it. A suppression
// without one is itself a finding. Suppressed results are reported as notes carrying
// the reason, so reviewers see what was waived.
//
// Only trivy's pkg/iac/scanners/terraform, pkg/iac/rego and pkg/iac/scan are imported:
// other trivy packages need GOEXPERIMENT=jsonv2.
package security

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/aquasecurity/trivy/pkg/iac/rego"
	"github.com/aquasecurity/trivy/pkg/iac/scan"
	"github.com/aquasecurity/trivy/pkg/iac/scanners/terraform"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
)

// Rules of the findings this package makes itself (trivy's findings use the check's ID).
const (
	RuleNoReason = "security/suppression-without-reason"
)

// tfvarsName is the name trivy reads the unit's inputs from (in a memory file system).
const tfvarsName = "olechka-inputs.auto.tfvars.json"

// Scanner runs trivy's Terraform scanner. Safe for concurrent use; scans themselves run
// one at a time (trivy's rego engine is not safe for concurrent use).
type Scanner struct {
	initOnce sync.Once
	initErr  error
	rego     *rego.Scanner
	initTime time.Duration

	scanMu sync.Mutex // serializes trivy scans

	cacheMu sync.Mutex
	cache   map[string]*entry

	statsMu sync.Mutex
	stats   Stats
}

type entry struct {
	done chan struct{}
	fs   []finding.Finding
	err  error
}

// Stats says what a Scanner did: scans run, cache hits, time spent.
type Stats struct {
	Scans     int           // trivy scans run
	CacheHits int           // ScanModule calls answered from the cache
	LoadTime  time.Duration // compiling trivy's embedded checks (once)
	ScanTime  time.Duration // total time in trivy scans
}

// New returns a scanner. trivy's embedded checks are compiled on the first scan.
func New() *Scanner {
	return &Scanner{cache: map[string]*entry{}}
}

// Stats returns what the scanner did so far.
func (s *Scanner) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.LoadTime = s.initTime
	return st
}

func (s *Scanner) init() error {
	s.initOnce.Do(func() {
		quietTrivyLogs()
		t0 := time.Now()
		rs := rego.NewScanner(rego.WithEmbeddedPolicies(true), rego.WithEmbeddedLibraries(true))
		if err := rs.LoadPolicies(fstest.MapFS{}); err != nil {
			s.initErr = fmt.Errorf("load trivy's embedded checks: %w", err)
			return
		}
		s.rego = rs
		s.initTime = time.Since(t0)
	})
	return s.initErr
}

// quietTrivyLogs: importing trivy installs, process-wide, a slog handler that buffers
// every record in memory until trivy's CLI initialises logging, which never happens in
// olechka. Replace that one (and only that one) with a handler that drops records.
func quietTrivyLogs() {
	h := slog.Default().Handler()
	t := reflect.TypeOf(h)
	if t.Kind() == reflect.Pointer && t.Elem().PkgPath() == "github.com/aquasecurity/trivy/pkg/log" && t.Elem().Name() == "DeferredHandler" {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
}

// ScanModule scans the module in dir (its .tf files and the local modules it calls)
// with inputs as the values of its variables (an object, or cty.NilVal/null for none).
// Findings name files as dir joined with their path below it (absolute when dir is).
// The same module content and inputs are scanned once per Scanner.
func (s *Scanner) ScanModule(ctx context.Context, dir string, inputs cty.Value) ([]finding.Finding, error) {
	tfvars, err := tfvarsJSON(inputs)
	if err != nil {
		return nil, fmt.Errorf("security scan of %s: inputs: %w", dir, err)
	}
	files, err := moduleFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("security scan of %s: %w", dir, err)
	}
	key, err := cacheKey(files, tfvars)
	if err != nil {
		return nil, fmt.Errorf("security scan of %s: %w", dir, err)
	}
	s.cacheMu.Lock()
	e, hit := s.cache[key]
	if !hit {
		e = &entry{done: make(chan struct{})}
		s.cache[key] = e
	}
	s.cacheMu.Unlock()
	if hit {
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			s.statsMu.Lock()
			s.stats.CacheHits++
			s.statsMu.Unlock()
			return relocate(e.fs, dir), nil
		}
		return nil, e.err
	}
	e.fs, e.err = s.scan(ctx, dir, files, tfvars)
	if e.err != nil {
		// do not keep failures (a cancelled context is not the module's fault)
		s.cacheMu.Lock()
		delete(s.cache, key)
		s.cacheMu.Unlock()
	}
	close(e.done)
	if e.err != nil {
		return nil, e.err
	}
	return relocate(e.fs, dir), nil
}

// relocate turns cached findings (files relative to the module dir) into paths under dir.
func relocate(fs []finding.Finding, dir string) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		if f.File != "" {
			f.File = filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(f.File)))
		}
		out[i] = f
	}
	return out
}

func (s *Scanner) scan(ctx context.Context, dir string, files []string, tfvars []byte) ([]finding.Finding, error) {
	if err := s.init(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// The file system is rooted at / so local module calls (../shared) resolve.
	vol := filepath.VolumeName(abs)
	root := vol + string(filepath.Separator)
	target := filepath.ToSlash(strings.TrimPrefix(strings.TrimPrefix(abs, vol), string(filepath.Separator)))

	results, err := s.trivy(ctx, root, target, tfvars)
	if err != nil {
		return nil, err
	}
	sups, supFindings, err := suppressions(files, abs)
	if err != nil {
		return nil, err
	}
	c := &collector{abs: abs, root: root, seen: map[string]bool{}}
	c.failed(results.GetFailed())
	c.ignored(results.GetIgnored(), sups)
	for _, f := range supFindings {
		c.add(f)
	}
	finding.Sort(c.out)
	return c.out, nil
}

// trivy runs trivy's Terraform scanner on target (a path under root) with tfvars as
// the module's inputs, one scan at a time, and counts it in the stats.
func (s *Scanner) trivy(ctx context.Context, root, target string, tfvars []byte) (scan.Results, error) {
	t0 := time.Now()
	s.scanMu.Lock()
	ts := terraform.New(
		rego.WithEmbeddedPolicies(true),
		rego.WithEmbeddedLibraries(true),
		rego.WithRegoScanner(s.rego),
		terraform.ScannerWithDownloadsAllowed(false),
		terraform.ScannerWithTFVarsPaths(tfvarsName),
		terraform.ScannerWithConfigsFileSystem(fstest.MapFS{tfvarsName: {Data: tfvars, Mode: 0o444}}),
	)
	results, err := ts.ScanFS(ctx, os.DirFS(root), target)
	s.scanMu.Unlock()
	elapsed := time.Since(t0)
	s.statsMu.Lock()
	s.stats.Scans++
	s.stats.ScanTime += elapsed
	s.statsMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("trivy: %w", err)
	}
	return results, nil
}

// collector turns trivy's results for the module at abs into findings, once each.
type collector struct {
	abs, root string
	seen      map[string]bool
	out       []finding.Finding
}

func (c *collector) add(f finding.Finding) {
	k := f.Rule + "\x00" + f.File + "\x00" + fmt.Sprint(f.Line) + "\x00" + f.Message
	if !c.seen[k] {
		c.seen[k] = true
		c.out = append(c.out, f)
	}
}

// rel makes a trivy path relative to the module dir, so cached findings can be relocated.
func (c *collector) rel(trivyPath string) string {
	p := filepath.Join(c.root, filepath.FromSlash(trivyPath))
	r, err := filepath.Rel(c.abs, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

// failed adds the failed checks at their severity.
func (c *collector) failed(results scan.Results) {
	for _, r := range results {
		rule := r.Rule()
		rg := r.Range()
		sev := strings.ToUpper(string(r.Severity()))
		msg := r.Description()
		if sum := strings.TrimSuffix(rule.Summary, "."); sum != "" && sum != msg {
			msg = sum + ": " + msg
		}
		msg += " (" + avd(rule.ID) + ")"
		c.add(finding.Finding{
			Check: "security", Rule: rule.ID, Level: levelOf(sev), Severity: sev, Message: msg,
			File: c.rel(rg.GetFilename()), Line: rg.GetStartLine(), Column: 1,
		})
	}
}

// ignored adds the checks an inline suppression waived, as notes with its reason.
func (c *collector) ignored(results scan.Results, sups suppressionSet) {
	for _, r := range results {
		rule := r.Rule()
		rg := r.Range()
		file := c.rel(rg.GetFilename())
		reason := sups.reasonFor(filepath.Join(c.abs, filepath.FromSlash(file)), rg.GetStartLine(), rule.ID)
		sum := strings.TrimSuffix(rule.Summary, ".")
		msg := fmt.Sprintf("%s: suppressed (%s)", sum, avd(rule.ID))
		if reason != "" {
			msg = fmt.Sprintf("%s: suppressed: %s (%s)", sum, reason, avd(rule.ID))
		}
		c.add(finding.Finding{
			Check: "security", Rule: rule.ID, Level: finding.Note, Severity: strings.ToUpper(string(r.Severity())),
			Message: msg, File: file, Line: rg.GetStartLine(), Column: 1,
		})
	}
}

// avd spells a check ID the way suppressions name it: AWS-0089 -> AVD-AWS-0089.
func avd(id string) string {
	if id == "" || strings.HasPrefix(id, "AVD-") {
		return id
	}
	return "AVD-" + id
}

// levelOf maps a severity to how it gates: CRITICAL/HIGH block, MEDIUM warns, LOW informs.
func levelOf(sev string) finding.Level {
	switch strings.ToUpper(sev) {
	case "CRITICAL", "HIGH":
		return finding.Error
	case "LOW", "INFO", "NONE", "UNKNOWN":
		return finding.Note
	}
	return finding.Warning
}

// tfvarsJSON renders inputs as a tfvars JSON object. Unknown values (e.g. mocked
// dependency outputs not known until apply) become null, which trivy treats as unset.
func tfvarsJSON(inputs cty.Value) ([]byte, error) {
	if inputs == cty.NilVal || inputs.IsNull() {
		return []byte("{}"), nil
	}
	inputs, _ = inputs.UnmarkDeep()
	if !inputs.Type().IsObjectType() && !inputs.Type().IsMapType() {
		return nil, fmt.Errorf("inputs must be an object, got %s", inputs.Type().FriendlyName())
	}
	v, err := cty.Transform(inputs, func(_ cty.Path, v cty.Value) (cty.Value, error) {
		if !v.IsKnown() {
			return cty.NullVal(v.Type()), nil
		}
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	return ctyjson.Marshal(v, v.Type())
}

// moduleFiles lists the .tf files of the module in dir and of every local module it
// calls (source = "./x" or "../x"), recursively, as absolute sorted paths.
func moduleFiles(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var files []string
	var walk func(d string) error
	walk = func(d string) error {
		if seen[d] {
			return nil
		}
		seen[d] = true
		entries, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
				continue
			}
			p := filepath.Join(d, e.Name())
			files = append(files, p)
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, sub := range localModuleSources(src, p) {
				if err := walk(filepath.Join(d, filepath.FromSlash(sub))); err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						continue // trivy reports what it can; a missing module is lint's business
					}
					return err
				}
			}
		}
		return nil
	}
	if err := walk(abs); err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// localModuleSources returns the literal local sources of a file's module blocks.
func localModuleSources(src []byte, name string) []string {
	f, diags := hclnest.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() || f == nil {
		return nil
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var out []string
	for _, b := range body.Blocks {
		if b.Type != "module" {
			continue
		}
		a, ok := b.Body.Attributes["source"]
		if !ok {
			continue
		}
		v, d := a.Expr.Value(nil)
		if d.HasErrors() || v.Type() != cty.String || v.IsNull() {
			continue
		}
		s := v.AsString()
		if strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
			out = append(out, s)
		}
	}
	return out
}

// cacheKey hashes the module's files (paths and content) and the inputs.
func cacheKey(files []string, tfvars []byte) (string, error) {
	h := sha256.New()
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
	}
	fmt.Fprintf(h, "inputs\x00%d\x00", len(tfvars))
	h.Write(tfvars)
	return hex.EncodeToString(h.Sum(nil)), nil
}
