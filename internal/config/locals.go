package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// evalLocals evaluates the locals block of body in dependency order.
func (s *scope) evalLocals(body *hclsyntax.Body, includeVar cty.Value) (cty.Value, hcl.Diagnostics) {
	block := localsBlock(body)
	if block == nil {
		return cty.EmptyObjectVal, nil
	}
	if len(block.Body.Blocks) > 0 {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unexpected block in locals",
			Detail:   "The locals block holds attributes only.",
			Subject:  block.Body.Blocks[0].DefRange().Ptr(),
		}}
	}
	attrs := block.Body.Attributes
	names := slices.Sorted(maps.Keys(attrs))
	refs, diags := localRefs(attrs, names)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	order, d := localsOrder(attrs, names, refs)
	diags = append(diags, d...)
	if d.HasErrors() {
		return cty.NilVal, diags
	}
	vals := map[string]cty.Value{}
	for _, n := range order {
		v, d := attrs[n].Expr.Value(s.evalContext(vars(cty.ObjectVal(vals), includeVar, cty.NilVal)))
		diags = append(diags, d...)
		if d.HasErrors() {
			return cty.NilVal, diags
		}
		vals[n] = v
	}
	return cty.ObjectVal(vals), diags
}

// localsBlock returns the locals block of body, nil when it has none.
func localsBlock(body *hclsyntax.Body) *hclsyntax.Block {
	var block *hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == "locals" {
			block = b
		}
	}
	return block
}

// localRefs returns, for each local (names, sorted), the locals it refers to,
// reporting a reference to a local the block does not define.
func localRefs(attrs hclsyntax.Attributes, names []string) (map[string][]string, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	refs := map[string][]string{}
	for _, n := range names {
		for _, tr := range attrs[n].Expr.Variables() {
			ref := localName(tr)
			if ref == "" {
				continue
			}
			if _, ok := attrs[ref]; !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown local",
					Detail:   fmt.Sprintf("local.%s refers to a local that this file does not define.", ref),
					Subject:  tr.SourceRange().Ptr(),
				})
				continue
			}
			refs[n] = append(refs[n], ref)
		}
	}
	return refs, diags
}

// localName is the local a traversal refers to (local.NAME or local["NAME"]), ""
// when it refers to none.
func localName(tr hcl.Traversal) string {
	if tr.RootName() != "local" || len(tr) < 2 {
		return ""
	}
	switch step := tr[1].(type) {
	case hcl.TraverseAttr:
		return step.Name
	case hcl.TraverseIndex:
		if step.Key.Type() == cty.String {
			return step.Key.AsString()
		}
	}
	return ""
}

// localsOrder orders the locals depth-first so that each comes after those it refers
// to; a cycle is an error naming every local on it.
func localsOrder(attrs hclsyntax.Attributes, names []string, refs map[string][]string) ([]string, hcl.Diagnostics) {
	const (
		white = iota
		grey
		black
	)
	var diags hcl.Diagnostics
	color := map[string]int{}
	var order, path []string
	var visit func(n string) bool
	visit = func(n string) bool {
		switch color[n] {
		case grey:
			cycle := append(slices.Clone(path[slices.Index(path, n):]), n)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cycle in locals",
				Detail:   "These locals refer to each other: local." + strings.Join(cycle, " -> local.") + ".",
				Subject:  attrs[n].NameRange.Ptr(),
			})
			return false
		case black:
			return true
		}
		color[n] = grey
		path = append(path, n)
		for _, r := range refs[n] {
			if !visit(r) {
				return false
			}
		}
		path = path[:len(path)-1]
		color[n] = black
		order = append(order, n)
		return true
	}
	for _, n := range names {
		if !visit(n) {
			return nil, diags
		}
	}
	return order, diags
}

// vars builds the variables of an evaluation.
func vars(locals, includeVar, depVar cty.Value) map[string]cty.Value {
	m := map[string]cty.Value{"local": locals}
	if includeVar != cty.NilVal {
		m["include"] = includeVar
	}
	if depVar != cty.NilVal {
		m["dependency"] = depVar
	}
	return m
}
