package config

import (
	"encoding/base64"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// addFileFunctions adds the functions that read files, relative to the scope's folder,
// recording every file read.
func (s *scope) addFileFunctions(fns map[string]function.Function) {
	fsys := s.u.e.opts.FS
	fns["file"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, _, err := s.readFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			if !utf8.Valid(b) {
				return cty.NilVal, fmt.Errorf("contents of %s are not valid UTF-8; use filebase64 instead", args[0].AsString())
			}
			return cty.StringVal(string(b)), nil
		},
	})
	fns["filebase64"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, _, err := s.readFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
		},
	})
	fns["fileexists"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := s.abs(args[0].AsString())
			ok := fileExists(fsys, p)
			if ok {
				s.u.read(p)
			}
			return cty.BoolVal(ok), nil
		},
	})
	fns["abspath"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(s.abs(args[0].AsString())), nil
		},
	})
	fns["fileset"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return s.fileset(args[0].AsString(), args[1].AsString())
		},
	})
	fns["templatefile"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return s.templatefile(args[0].AsString(), args[1], fns)
		},
	})
}

// fileset is OpenTofu's fileset: the files below dir (relative to the scope's
// folder) whose slash path relative to it matches pattern, each recorded as read.
func (s *scope) fileset(dir, pattern string) (cty.Value, error) {
	fsys := s.u.e.opts.FS
	base := s.abs(dir)
	var matches []string
	var walk func(dir string) error
	walk = func(dir string) error {
		entries, err := fsys.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, en := range entries {
			p := filepath.Join(dir, en.Name())
			if en.IsDir() {
				if err := walk(p); err != nil {
					return err
				}
				continue
			}
			r := rel(base, p)
			if globMatch(pattern, r) {
				matches = append(matches, r)
				s.u.read(p)
			}
		}
		return nil
	}
	if err := walk(base); err != nil {
		return cty.NilVal, fmt.Errorf("fileset: %w", err)
	}
	if len(matches) == 0 {
		return cty.SetValEmpty(cty.String), nil
	}
	sort.Strings(matches)
	vals := make([]cty.Value, len(matches))
	for i, m := range matches {
		vals[i] = cty.StringVal(m)
	}
	return cty.SetVal(vals), nil
}

// templatefile is OpenTofu's templatefile: the file at p rendered with vars, and
// with every function but templatefile itself (fns: the scope's file functions).
func (s *scope) templatefile(p string, vars cty.Value, fns map[string]function.Function) (cty.Value, error) {
	b, p, err := s.readFile(p)
	if err != nil {
		return cty.NilVal, err
	}
	diags := hclnest.CheckTemplate(b, p, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("templatefile: %s", diagsString(diags))
	}
	tmpl, diags := hclsyntax.ParseTemplate(b, p, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("templatefile: %s", diagsString(diags))
	}
	variables := map[string]cty.Value{}
	if !vars.IsNull() && (vars.Type().IsObjectType() || vars.Type().IsMapType()) {
		variables = vars.AsValueMap()
	}
	inner := make(map[string]function.Function, len(s.u.e.base.Functions)+len(fns))
	maps.Copy(inner, s.u.e.base.Functions)
	for k, f := range fns {
		if k != "templatefile" {
			inner[k] = f
		}
	}
	v, diags := tmpl.Value(&hcl.EvalContext{Variables: variables, Functions: inner})
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("templatefile: %s", diagsString(diags))
	}
	return convert.Convert(v, cty.String)
}

// readFile reads the file at p (relative to the scope's folder) and records it as
// read; it returns the file's absolute path too.
func (s *scope) readFile(p string) ([]byte, string, error) {
	p = s.abs(p)
	b, err := s.u.e.opts.FS.ReadFile(p)
	if err != nil {
		return nil, p, err
	}
	s.u.read(p)
	return b, p, nil
}

// globMatch matches a slash path against a pattern with *, ? and ** (any folders).
func globMatch(pattern, name string) bool {
	if !strings.Contains(pattern, "**") {
		ok, _ := path.Match(pattern, name)
		return ok
	}
	parts := strings.SplitN(pattern, "**", 2)
	prefix, suffix := parts[0], strings.TrimPrefix(parts[1], "/")
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	rest := strings.TrimPrefix(name, prefix)
	segs := strings.Split(rest, "/")
	for i := range segs {
		if globMatch(suffix, strings.Join(segs[i:], "/")) {
			return true
		}
	}
	return false
}
