package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule/reads"
)

// sourceHash is the content hash of a local module folder and of the local modules
// it calls, and the files that went into it.
type sourceHash struct {
	once  sync.Once
	hash  string
	files []string
	notes []string // reads of the module and the modules it calls not known statically
	err   error
}

// sourceHash hashes a local module folder once per Evaluator.
func (e *Evaluator) sourceHash(dir string) (*sourceHash, error) {
	sh := cacheEntry(&e.mu, e.sources, dir)
	sh.once.Do(func() {
		files, visited := map[string]bool{}, map[string]bool{}
		if err := e.collectModule(dir, files, visited); err != nil {
			sh.err = err
			return
		}
		for d := range visited {
			if n, ok := e.notes.Load(d); ok {
				sh.notes = append(sh.notes, n.([]string)...)
			}
		}
		sort.Strings(sh.notes)
		for f := range files {
			sh.files = append(sh.files, f)
		}
		sort.Strings(sh.files)
		h := sha256.New()
		for _, f := range sh.files {
			b, err := e.opts.FS.ReadFile(f)
			if err != nil {
				sh.err = err
				return
			}
			sum := sha256.Sum256(b)
			fmt.Fprintf(h, "%s\x00%x\n", rel(dir, f), sum)
		}
		sh.hash = hex.EncodeToString(h.Sum(nil))
	})
	return sh, sh.err
}

// collectModule adds the files of a module folder (not recursing into sub-folders,
// as OpenTofu reads only the top level) and, through local module calls, of the
// modules it uses.
func (e *Evaluator) collectModule(dir string, files, visited map[string]bool) error {
	if visited[dir] {
		return nil
	}
	visited[dir] = true
	entries, err := e.opts.FS.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("module source: %w", err)
	}
	var bodies []*hclsyntax.Body
	for _, en := range entries {
		name := en.Name()
		if en.IsDir() || strings.HasPrefix(name, ".") {
			if en.IsDir() && !strings.HasPrefix(name, ".") {
				// Templates and other files a module reads sit in sub-folders.
				if err := e.collectFiles(filepath.Join(dir, name), files); err != nil {
					return err
				}
			}
			continue
		}
		p := filepath.Join(dir, name)
		files[p] = true
		if !strings.HasSuffix(name, ".tf") {
			continue
		}
		src, err := e.opts.FS.ReadFile(p)
		if err != nil {
			return err
		}
		f, diags := hclnest.ParseConfig(src, p, hcl.InitialPos)
		if diags.HasErrors() {
			continue // a broken .tf still counts by content; validate reports it
		}
		body, _ := f.Body.(*hclsyntax.Body)
		bodies = append(bodies, body)
		for _, b := range body.Blocks {
			if b.Type != "module" {
				continue
			}
			a, ok := b.Body.Attributes["source"]
			if !ok {
				continue
			}
			v, d := a.Expr.Value(nil)
			if d.HasErrors() || v.IsNull() || !v.IsKnown() {
				continue
			}
			s := v.AsString()
			if strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
				if err := e.collectModule(filepath.Join(dir, s), files, visited); err != nil {
					return err
				}
			}
		}
	}
	e.collectReads(dir, bodies, files)
	return nil
}

func (e *Evaluator) collectFiles(dir string, files map[string]bool) error {
	entries, err := e.opts.FS.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("module source: %w", err)
	}
	for _, en := range entries {
		if strings.HasPrefix(en.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, en.Name())
		if en.IsDir() {
			if err := e.collectFiles(p, files); err != nil {
				return err
			}
			continue
		}
		files[p] = true
	}
	return nil
}

// collectReads adds the files the module reads through file functions (file,
// templatefile, …), wherever they lie: files that do not exist (yet) are left out,
// folders a read is known only up to are taken whole (see package reads).
func (e *Evaluator) collectReads(dir string, bodies []*hclsyntax.Body, files map[string]bool) {
	r := reads.Find(dir, bodies)
	if len(r.Notes) > 0 {
		e.notes.Store(dir, r.Notes)
	}
	for _, f := range r.Files {
		if st, err := e.opts.FS.Stat(f); err == nil && !st.IsDir() {
			files[f] = true
		}
	}
	for _, d := range r.Dirs {
		if st, err := e.opts.FS.Stat(d); err == nil && st.IsDir() {
			_ = e.collectFiles(d, files) // a folder that cannot be listed adds nothing
		}
	}
}
