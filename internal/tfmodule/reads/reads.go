// Package reads finds the files an OpenTofu module reads at plan time through its
// file functions (file, templatefile, filebase64, fileexists, filemd5, fileset, …), so
// that a change to such a file, wherever it lies, counts as a change of the module.
// Paths built from path.module, literals and the module's static locals are resolved;
// a path that depends on anything else (a variable, a resource) cannot be known
// without running OpenTofu: the module is then taken to depend on every file under
// the longest folder the path is known to start with (the module folder at least),
// and a Note says so.
package reads

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// FileFuncs are the functions that read a file (first argument: its path).
var FileFuncs = map[string]bool{
	"file": true, "templatefile": true, "filebase64": true, "fileexists": true,
	"filemd5": true, "filesha1": true, "filesha256": true, "filesha512": true,
	"filebase64sha256": true, "filebase64sha512": true,
}

// Reads is what a module reads through file functions.
type Reads struct {
	// Files are the files named statically (absolute, cleaned; they may not exist).
	Files []string
	// Dirs are folders the module may read any file under (fileset, or a path known
	// only up to a folder).
	Dirs []string
	// Notes say, with file:line, which reads could not be resolved statically.
	Notes []string
}

// Find scans the bodies of one module folder dir (its .tf files, parsed).
func Find(dir string, bodies []*hclsyntax.Body) *Reads {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(dir)})},
		Functions: funcs(),
	}
	ctx.Variables["local"] = staticLocals(ctx, bodies)
	r := &Reads{}
	files, dirs := map[string]bool{}, map[string]bool{}
	for _, body := range bodies {
		_ = hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
			call, ok := n.(*hclsyntax.FunctionCallExpr)
			if !ok || len(call.Args) == 0 || !(FileFuncs[call.Name] || call.Name == "fileset") {
				return nil
			}
			at := call.Range()
			where := fmt.Sprintf("%s:%d", at.Filename, at.Start.Line)
			arg := call.Args[0]
			v, diags := arg.Value(ctx)
			if !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.String {
				p := resolve(dir, v.AsString())
				if call.Name == "fileset" {
					dirs[p] = true
				} else {
					files[p] = true
				}
				return nil
			}
			prefix := knownPrefix(ctx, arg)
			folder := dir
			if i := strings.LastIndex(prefix, "/"); i >= 0 {
				folder = resolve(dir, prefix[:i+1])
			}
			dirs[folder] = true
			r.Notes = append(r.Notes, fmt.Sprintf("%s: %s(...) reads a path not known before plan; the module is taken to depend on every file under %s", where, call.Name, folder))
			return nil
		})
	}
	r.Files, r.Dirs = sorted(files), sorted(dirs)
	return r
}

// resolve makes p absolute: relative paths are relative to the module folder (the
// working directory OpenTofu runs a unit's module in).
func resolve(dir, p string) string {
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}

// knownPrefix is the part of a path expression known statically from its start:
// the leading parts of a template that evaluate to strings.
func knownPrefix(ctx *hcl.EvalContext, e hclsyntax.Expression) string {
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, part := range t.Parts {
		v, diags := part.Value(ctx)
		if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
			break
		}
		s, err := convertString(v)
		if err != nil {
			break
		}
		b.WriteString(s)
	}
	return b.String()
}

func convertString(v cty.Value) (string, error) {
	if v.Type() == cty.String {
		return v.AsString(), nil
	}
	if v.Type() == cty.Number {
		return v.AsBigFloat().Text('f', -1), nil
	}
	return "", fmt.Errorf("not a string")
}

// staticLocals evaluates the module's locals that depend only on path.module,
// literals and other such locals; the rest are unknown.
func staticLocals(ctx *hcl.EvalContext, bodies []*hclsyntax.Body) cty.Value {
	exprs := map[string]hclsyntax.Expression{}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if b.Type != "locals" {
				continue
			}
			for name, a := range b.Body.Attributes {
				exprs[name] = a.Expr
			}
		}
	}
	known := map[string]cty.Value{}
	for progress := true; progress; {
		progress = false
		local := map[string]cty.Value{}
		for name := range exprs {
			local[name] = cty.DynamicVal
		}
		for name, v := range known {
			local[name] = v
		}
		ctx.Variables["local"] = cty.ObjectVal(local)
		for name, e := range exprs {
			if _, done := known[name]; done {
				continue
			}
			v, diags := e.Value(ctx)
			if !diags.HasErrors() && v.IsWhollyKnown() {
				known[name] = v
				progress = true
			}
		}
	}
	local := map[string]cty.Value{}
	for name := range exprs {
		local[name] = cty.DynamicVal
	}
	for name, v := range known {
		local[name] = v
	}
	return cty.ObjectVal(local)
}

// funcs are the string functions a path expression commonly uses.
func funcs() map[string]function.Function {
	return map[string]function.Function{
		"format": stdlib.FormatFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
		"upper": stdlib.UpperFunc, "replace": stdlib.ReplaceFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimspace": stdlib.TrimSpaceFunc,
	}
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
