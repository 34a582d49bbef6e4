package lint

import (
	"os"
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/hclnest"
)

// Locator finds where things are written in HCL files, parsing each file once. It is
// safe for concurrent use.
type Locator struct {
	mu    sync.Mutex
	files map[string]*parsed
}

type parsed struct {
	once  sync.Once
	body  *hclsyntax.Body
	diags hcl.Diagnostics
}

// NewLocator returns an empty Locator.
func NewLocator() *Locator { return &Locator{files: map[string]*parsed{}} }

// Body returns a file's parsed body (nil when it cannot be read or parsed at all) and
// its parse diagnostics.
func (l *Locator) Body(file string) (*hclsyntax.Body, hcl.Diagnostics) {
	l.mu.Lock()
	p, ok := l.files[file]
	if !ok {
		p = &parsed{}
		l.files[file] = p
	}
	l.mu.Unlock()
	p.once.Do(func() {
		src, err := os.ReadFile(file)
		if err != nil {
			return
		}
		f, diags := hclnest.ParseConfig(src, file, hcl.InitialPos)
		p.diags = diags
		if f != nil {
			p.body, _ = f.Body.(*hclsyntax.Body)
		}
	})
	return p.body, p.diags
}

// Input returns where inputs.KEY is written: in the inputs attribute of the first of
// files that sets it literally (inputs = { KEY = ... } or inside merge(...)), else in an
// object of those files' locals (preferring one whose path names hint, e.g. the module:
// locals { aurora = { inputs = { KEY = ... } } }), else the first file's inputs attribute.
// ok is false when nothing is found.
func (l *Locator) Input(files []string, key string, hint ...string) (hcl.Range, bool) {
	var fallback *hcl.Range
	for _, f := range files {
		body, _ := l.Body(f)
		if body == nil {
			continue
		}
		a, ok := body.Attributes["inputs"]
		if !ok {
			continue
		}
		if fallback == nil {
			r := a.NameRange
			fallback = &r
		}
		if key == "" {
			break
		}
		if r, ok := findKey(a.Expr, key); ok {
			return r, true
		}
	}
	if key != "" {
		var first *hcl.Range
		for _, f := range files {
			body, _ := l.Body(f)
			if body == nil {
				continue
			}
			for _, b := range body.Blocks {
				if b.Type != "locals" {
					continue
				}
				for _, a := range sortedAttrs(b.Body) {
					var hit *hcl.Range
					walkObjects(a.Expr, []string{a.Name}, func(path []string, item hclsyntax.ObjectConsItem) bool {
						if objectKey(item.KeyExpr) != key {
							return false
						}
						r := item.KeyExpr.Range()
						if first == nil {
							first = &r
						}
						for _, h := range hint {
							for _, p := range path {
								if h != "" && p == h {
									hit = &r
									return true
								}
							}
						}
						return false
					})
					if hit != nil {
						return *hit, true
					}
				}
			}
		}
		if first != nil {
			return *first, true
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return hcl.Range{}, false
}

// findKey finds KEY among the literal object items of an expression (objects nested in
// function calls such as merge are searched too, but not objects that are values).
func findKey(e hclsyntax.Expression, key string) (hcl.Range, bool) {
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		for _, item := range x.Items {
			if objectKey(item.KeyExpr) == key {
				return item.KeyExpr.Range(), true
			}
		}
	case *hclsyntax.FunctionCallExpr:
		for i := len(x.Args) - 1; i >= 0; i-- { // later arguments win in merge
			if r, ok := findKey(x.Args[i], key); ok {
				return r, true
			}
		}
	case *hclsyntax.ParenthesesExpr:
		return findKey(x.Expression, key)
	}
	return hcl.Range{}, false
}

// walkObjects calls f for every item of every object literal in e, with the keys leading
// to it; f returns true to stop.
func walkObjects(e hclsyntax.Expression, path []string, f func([]string, hclsyntax.ObjectConsItem) bool) bool {
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		for _, item := range x.Items {
			if f(path, item) {
				return true
			}
			if walkObjects(item.ValueExpr, append(path[:len(path):len(path)], objectKey(item.KeyExpr)), f) {
				return true
			}
		}
	case *hclsyntax.FunctionCallExpr:
		for _, a := range x.Args {
			if walkObjects(a, path, f) {
				return true
			}
		}
	case *hclsyntax.ParenthesesExpr:
		return walkObjects(x.Expression, path, f)
	}
	return false
}

func sortedAttrs(b *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// Attribute returns where a top-level attribute or block of a file is.
func (l *Locator) Attribute(file, name string) (hcl.Range, bool) {
	body, _ := l.Body(file)
	if body == nil {
		return hcl.Range{}, false
	}
	if a, ok := body.Attributes[name]; ok {
		return a.NameRange, true
	}
	for _, b := range body.Blocks {
		if b.Type == name {
			return b.TypeRange, true
		}
	}
	return hcl.Range{}, false
}

// LocalsAttribute returns where locals { NAME = ... } is written in a file.
func (l *Locator) LocalsAttribute(file, name string) (hcl.Range, bool) {
	body, _ := l.Body(file)
	if body == nil {
		return hcl.Range{}, false
	}
	for _, b := range body.Blocks {
		if b.Type != "locals" {
			continue
		}
		if a, ok := b.Body.Attributes[name]; ok {
			return a.NameRange, true
		}
	}
	return hcl.Range{}, false
}

// objectKey returns the literal name of an object key ("" when it is computed).
func objectKey(e hclsyntax.Expression) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" {
			return name
		}
		e = k.Wrapped
	}
	if t, ok := e.(*hclsyntax.TemplateExpr); ok && len(t.Parts) == 1 {
		if lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr); ok && lit.Val.IsKnown() && !lit.Val.IsNull() {
			if lit.Val.Type() == cty.String {
				return lit.Val.AsString()
			}
		}
	}
	return ""
}
