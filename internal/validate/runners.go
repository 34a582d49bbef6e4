package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// RunnerOptions says where the plugged-in checks find their tools.
type RunnerOptions struct {
	SchemaFile string // compact AWS schema; "" = <CacheDir>/aws-schema.json.gz
	TflintBin  string // "" = <CacheDir>/bin/tflint, then $PATH
	CacheDir   string // $OLECHKA_CACHE, or <repo>/.cache
}

// DefaultRunners wires in the fmt, schema, security and tflint checks.
func DefaultRunners(o RunnerOptions) Runners {
	var r Runners
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
	r.TflintNote = "tflint is not wired into this olechka yet"
	return r
}
