package lint

import (
	"os"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
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
		f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
		p.diags = diags
		if f != nil {
			p.body, _ = f.Body.(*hclsyntax.Body)
		}
	})
	return p.body, p.diags
}

// Input returns where inputs.KEY is written in the first of files that sets it (the
// key's range), or, failing that, where the first file's inputs attribute is. ok is
// false when no file has an inputs attribute.
func (l *Locator) Input(files []string, key string) (hcl.Range, bool) {
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
		if obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, item := range obj.Items {
				if objectKey(item.KeyExpr) == key {
					return item.KeyExpr.Range(), true
				}
			}
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return hcl.Range{}, false
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
