package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/zclconf/go-cty/cty"
	"golang.org/x/sync/errgroup"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/hclfmt"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
	"github.com/terragrunt-olechka/olechka/internal/validate/security"
	"github.com/terragrunt-olechka/olechka/internal/validate/tflint"
)

// RunnerOptions says where the plugged-in checks find their tools.
type RunnerOptions struct {
	SchemaFile string // compact AWS schema; "" = <CacheDir>/aws-schema.json.gz
	TflintBin  string // "" = <CacheDir>/bin/tflint, then $PATH
	CacheDir   string // $OLECHKA_CACHE, or <repo>/.cache
	// SecurityScanners is how many trivy scanners run side by side; 0 = GOMAXPROCS.
	SecurityScanners int
}

// DefaultRunners wires in the fmt, schema, security and tflint checks.
func DefaultRunners(o RunnerOptions) Runners {
	r := Runners{Fmt: fmtParallel}
	r.Schema, r.SchemaNote = schemaRunner(o)
	pool := newScannerPool(o.SecurityScanners)
	r.Security, r.SecurityStats = pool.scan, pool.stats
	r.Tflint, r.TflintNote = tflintRunner(o)
	return r
}

// schemaRunner checks modules against the AWS schema file, loaded on first use; with
// no file, it is nil and the note says why.
func schemaRunner(o RunnerOptions) (func(context.Context, string) ([]finding.Finding, error), string) {
	schemaFile := o.SchemaFile
	if schemaFile == "" && o.CacheDir != "" {
		schemaFile = filepath.Join(o.CacheDir, "aws-schema.json.gz")
	}
	if _, err := os.Stat(schemaFile); schemaFile == "" || err != nil {
		return nil, fmt.Sprintf("no AWS schema at %s (make tools builds it)", schemaFile)
	}
	var (
		once sync.Once
		s    *schema.Schema
		err  error
	)
	return func(_ context.Context, dir string) ([]finding.Finding, error) {
		once.Do(func() { s, err = schema.Load(schemaFile) })
		if err != nil {
			return nil, err
		}
		return s.CheckDir(dir)
	}, ""
}

// tflintRunner lints with the tflint binary given or found in the cache or $PATH;
// without one, it is nil and the note says why.
func tflintRunner(o RunnerOptions) (func(context.Context, string) ([]finding.Finding, error), string) {
	bin := o.TflintBin
	if bin == "" {
		bin, _ = tflint.Lookup(o.CacheDir)
	}
	if bin == "" {
		return nil, "tflint not installed (make tools puts it in the cache)"
	}
	return func(ctx context.Context, dir string) ([]finding.Finding, error) { return tflint.Run(ctx, bin, dir) }, ""
}

// scannerPool lends trivy scanners to concurrent scans. trivy's rego engine runs one
// scan at a time per scanner, so there are up to n of them (0 = one per core), made
// on demand: each compiles trivy's checks, a few seconds of CPU, so a second one is
// made only when two scans are wanted at once.
type scannerPool struct {
	n    int
	idle chan *security.Scanner

	mu       sync.Mutex
	scanners []*security.Scanner
}

func newScannerPool(n int) *scannerPool {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &scannerPool{n: n, idle: make(chan *security.Scanner, n)}
}

// scan scans a module with an idle scanner, a new one while there are fewer than n,
// or else the first to come back.
func (p *scannerPool) scan(ctx context.Context, dir string, inputs cty.Value) ([]finding.Finding, error) {
	var sc *security.Scanner
	select {
	case sc = <-p.idle:
	default:
		p.mu.Lock()
		if len(p.scanners) < p.n {
			sc = security.New()
			p.scanners = append(p.scanners, sc)
		}
		p.mu.Unlock()
		if sc == nil {
			select {
			case sc = <-p.idle:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	defer func() { p.idle <- sc }()
	return sc.ScanModule(ctx, dir, inputs)
}

// stats sums the scanners' work for the security check's note.
func (p *scannerPool) stats() string {
	var st security.Stats
	used := 0
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, sc := range p.scanners {
		s := sc.Stats()
		if s.Scans > 0 || s.CacheHits > 0 {
			used++
		}
		st.Scans += s.Scans
		st.CacheHits += s.CacheHits
		st.ScanTime += s.ScanTime
		st.LoadTime = max(st.LoadTime, s.LoadTime)
	}
	return fmt.Sprintf("%d trivy scans on %d scanner(s), %.2fs scanning, %d answered from the cache, checks compiled in %.2fs", st.Scans, used, st.ScanTime.Seconds(), st.CacheHits, st.LoadTime.Seconds())
}

// fmtParallel checks the formatting of every .hcl/.tf file under dir on all cores.
func fmtParallel(ctx context.Context, dir string) ([]finding.Finding, error) {
	files, err := hclfmt.Files(dir)
	if err != nil {
		return nil, err
	}
	out := make([][]finding.Finding, len(files))
	errs := make([]error, len(files))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := 0; i < len(files) && ctx.Err() == nil; i++ {
		g.Go(func() error {
			f, err := hclfmt.FormatFile(files[i])
			if err != nil {
				errs[i] = err
				return nil
			}
			out[i] = f.Findings()
			return nil
		})
	}
	_ = g.Wait() // errors are kept per file, reported in file order below
	var all []finding.Finding
	for i := range files {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, out[i]...)
	}
	return all, ctx.Err()
}
