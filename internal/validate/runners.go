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
	schemaFile := o.SchemaFile
	if schemaFile == "" && o.CacheDir != "" {
		schemaFile = filepath.Join(o.CacheDir, "aws-schema.json.gz")
	}
	if _, err := os.Stat(schemaFile); schemaFile == "" || err != nil {
		r.SchemaNote = fmt.Sprintf("no AWS schema at %s (make tools builds it)", schemaFile)
	} else {
		var (
			once sync.Once
			s    *schema.Schema
			err  error
		)
		r.Schema = func(_ context.Context, dir string) ([]finding.Finding, error) {
			once.Do(func() { s, err = schema.Load(schemaFile) })
			if err != nil {
				return nil, err
			}
			return s.CheckDir(dir)
		}
	}
	// trivy's rego engine runs one scan at a time per scanner: one scanner per core.
	n := o.SecurityScanners
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	// Scanners are made on demand (each compiles trivy's checks, a few seconds of CPU):
	// a second one only when two scans are wanted at once.
	var (
		mu       sync.Mutex
		scanners []*security.Scanner
	)
	pool := make(chan *security.Scanner, n)
	r.Security = func(ctx context.Context, dir string, inputs cty.Value) ([]finding.Finding, error) {
		var sc *security.Scanner
		select {
		case sc = <-pool:
		default:
			mu.Lock()
			if len(scanners) < n {
				sc = security.New()
				scanners = append(scanners, sc)
			}
			mu.Unlock()
			if sc == nil {
				select {
				case sc = <-pool:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
		}
		defer func() { pool <- sc }()
		return sc.ScanModule(ctx, dir, inputs)
	}
	r.SecurityStats = func() string {
		var st security.Stats
		used := 0
		mu.Lock()
		defer mu.Unlock()
		for _, sc := range scanners {
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
	bin := o.TflintBin
	if bin == "" {
		bin, _ = tflint.Lookup(o.CacheDir)
	}
	if bin == "" {
		r.TflintNote = "tflint not installed (make tools puts it in the cache)"
	} else {
		r.Tflint = func(ctx context.Context, dir string) ([]finding.Finding, error) { return tflint.Run(ctx, bin, dir) }
	}
	return r
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
