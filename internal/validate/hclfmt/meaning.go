package hclfmt

import (
	"bytes"
	"reflect"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// This file keeps formatting from changing what a file means.
//
// hclwrite's formatter only adjusts the spaces between tokens, but removing a space can
// make two tokens lex as one: `0.0 .0` (the number 0.0, then its element 0) written as
// `0.0.0` is an invalid number, and `1 .0` written as `1.0` is the number 1.0. So the
// formatted bytes are lexed again and compared with the tokens they were written from;
// where the lexer now sees one token instead of two, a space goes back. Then the
// parsed result is compared with the input's, ignoring positions and the rewrites fmt
// means to make; a file whose meaning would still change is left as it is.

// maxRepairs bounds how many merged tokens respace will separate in one file.
const maxRepairs = 10000

// respace returns formatted (the tokens of pre, re-spaced by hclwrite) with a space put
// back wherever the formatter joined two of pre's tokens into one, or nil when the
// formatted bytes cannot be matched against pre's tokens.
func respace(pre, formatted []byte, filename string) []byte {
	want, _ := hclsyntax.LexConfig(pre, filename, hcl.InitialPos)
	out := formatted
	for range maxRepairs {
		got, _ := hclsyntax.LexConfig(out, filename, hcl.InitialPos)
		k := firstTokenMismatch(want, got)
		if k < 0 {
			return out
		}
		// Every token before k matched; the lexer joined want[k] with what follows it.
		if k >= len(got) || !bytes.HasPrefix(got[k].Bytes, want[k].Bytes) || len(got[k].Bytes) == len(want[k].Bytes) {
			return nil
		}
		at := got[k].Range.Start.Byte + len(want[k].Bytes)
		next := make([]byte, 0, len(out)+1)
		next = append(next, out[:at]...)
		next = append(next, ' ')
		out = append(next, out[at:]...)
	}
	return nil
}

// firstTokenMismatch is the index of the first token that differs in type or bytes, or
// -1 when the two streams are the same.
func firstTokenMismatch(a, b hclsyntax.Tokens) int {
	for i := range a {
		if i >= len(b) || a[i].Type != b[i].Type || !bytes.Equal(a[i].Bytes, b[i].Bytes) {
			return i
		}
	}
	if len(b) > len(a) {
		return len(a)
	}
	return -1
}

// meaningChange compares two parses of a file, ignoring positions, parentheses, and the
// rewrites fmt makes on purpose ("${x}" unwrapped to x, a quoted legacy type constraint
// in a .tf variable block). It returns nil when they mean the same, else the range in
// a of the first attribute or block that differs.
func meaningChange(a, b *hclsyntax.Body, tf bool) *hcl.Range {
	return bodyChange(a, b, tf, nil)
}

func bodyChange(a, b *hclsyntax.Body, tf bool, blocks []string) *hcl.Range {
	if len(a.Attributes) != len(b.Attributes) || len(a.Blocks) != len(b.Blocks) {
		r := a.SrcRange
		return &r
	}
	for name, aa := range a.Attributes {
		ba, ok := b.Attributes[name]
		if !ok {
			r := aa.SrcRange
			return &r
		}
		if tf && len(blocks) == 1 && blocks[0] == "variable" && name == "type" && legacyTypeMatches(aa.Expr, ba.Expr) {
			continue
		}
		if !sameNode(reflect.ValueOf(aa.Expr), reflect.ValueOf(ba.Expr)) {
			r := aa.SrcRange
			return &r
		}
	}
	for i, ab := range a.Blocks {
		bb := b.Blocks[i]
		if ab.Type != bb.Type || !reflect.DeepEqual(ab.Labels, bb.Labels) {
			r := ab.DefRange()
			return &r
		}
		if r := bodyChange(ab.Body, bb.Body, tf, append(blocks[:len(blocks):len(blocks)], ab.Type)); r != nil {
			return r
		}
	}
	return nil
}

// legacyTypeMatches reports whether a is "string", "list" or "map" in quotes and b the
// type expression fmt writes for it.
func legacyTypeMatches(a, b hclsyntax.Expression) bool {
	t, ok := a.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return false
	}
	lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || lit.Val.Type() != cty.String || !lit.Val.IsKnown() {
		return false
	}
	want := map[string]string{"string": "string", "list": "list(string)", "map": "map(string)"}[lit.Val.AsString()]
	if want == "" {
		return false
	}
	switch e := b.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return want == "string" && len(e.Traversal) == 1 && e.Traversal.RootName() == "string"
	case *hclsyntax.FunctionCallExpr:
		if len(e.Args) != 1 || want != e.Name+"(string)" {
			return false
		}
		arg, ok := e.Args[0].(*hclsyntax.ScopeTraversalExpr)
		return ok && len(arg.Traversal) == 1 && arg.Traversal.RootName() == "string"
	}
	return false
}

var (
	rangeType    = reflect.TypeFor[hcl.Range]()
	posType      = reflect.TypeFor[hcl.Pos]()
	rangesType   = reflect.TypeFor[[]hcl.Range]()
	ctyValueType = reflect.TypeFor[cty.Value]()
	ctyTypeType  = reflect.TypeFor[cty.Type]()
)

// unwrap removes what does not change an expression's value: parentheses and a
// template that is exactly one interpolation.
func unwrap(v reflect.Value) reflect.Value {
	for v.IsValid() && v.CanInterface() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && !v.IsNil() {
		switch e := v.Interface().(type) {
		case *hclsyntax.ParenthesesExpr:
			v = reflect.ValueOf(&e.Expression).Elem()
		case *hclsyntax.TemplateWrapExpr:
			v = reflect.ValueOf(&e.Wrapped).Elem()
		default:
			return v
		}
	}
	return v
}

// concrete unwraps v and looks through interfaces to the value they hold.
func concrete(v reflect.Value) reflect.Value {
	for {
		v = unwrap(v)
		if !v.IsValid() || v.Kind() != reflect.Interface || v.IsNil() {
			return v
		}
		v = v.Elem()
	}
}

// sameNode compares two syntax trees field by field, skipping source positions and
// unexported fields (caches and call records, never part of the meaning).
func sameNode(a, b reflect.Value) bool {
	a, b = concrete(a), concrete(b)
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Kind() == reflect.Interface || b.Kind() == reflect.Interface { // nil interfaces
		return a.Kind() == b.Kind() && a.IsNil() && b.IsNil()
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Type() {
	case rangeType, posType, rangesType:
		return true
	case ctyValueType:
		if !a.CanInterface() || !b.CanInterface() {
			return true
		}
		av, bv := a.Interface().(cty.Value), b.Interface().(cty.Value)
		return av.Type().Equals(bv.Type()) && av.RawEquals(bv)
	case ctyTypeType:
		if !a.CanInterface() || !b.CanInterface() {
			return true
		}
		return a.Interface().(cty.Type).Equals(b.Interface().(cty.Type))
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Pointer() == b.Pointer() {
			return true
		}
		return sameNode(a.Elem(), b.Elem())
	case reflect.Struct:
		return sameFields(a, b)
	case reflect.Slice, reflect.Array:
		return sameElems(a, b)
	case reflect.Map:
		return sameEntries(a, b)
	case reflect.Func:
		return a.Pointer() == b.Pointer()
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	return false // a kind no syntax tree holds (chan, complex...): never call it the same
}

// sameFields compares two structs of one type by their exported fields.
func sameFields(a, b reflect.Value) bool {
	for i := range a.NumField() {
		if !a.Type().Field(i).IsExported() {
			continue
		}
		if !sameNode(a.Field(i), b.Field(i)) {
			return false
		}
	}
	return true
}

// sameElems compares two slices or arrays element by element.
func sameElems(a, b reflect.Value) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i := range a.Len() {
		if !sameNode(a.Index(i), b.Index(i)) {
			return false
		}
	}
	return true
}

// sameEntries compares two maps key by key.
func sameEntries(a, b reflect.Value) bool {
	if a.Len() != b.Len() {
		return false
	}
	it := a.MapRange()
	for it.Next() {
		bv := b.MapIndex(it.Key())
		if !bv.IsValid() || !sameNode(it.Value(), bv) {
			return false
		}
	}
	return true
}
