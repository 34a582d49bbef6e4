package schema

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/editdist"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
)

// Rules reported by the check.
const (
	RuleSyntax          = "schema/syntax"
	RuleUnknownType     = "schema/unknown-type"
	RuleUnknownArgument = "schema/unknown-argument"
	RuleUnknownBlock    = "schema/unknown-block"
	RuleMissingArgument = "schema/missing-argument"
	RuleMissingBlock    = "schema/missing-block"
	RuleBlockAsArgument = "schema/block-as-argument"
	RuleArgumentAsBlock = "schema/argument-as-block"
	RuleComputed        = "schema/computed-argument"
	RuleTooManyBlocks   = "schema/too-many-blocks"
)

// meta-arguments Terraform handles itself, per kind of top-level block
var (
	metaAttrs = map[string]map[string]bool{
		"resource":  {"count": true, "for_each": true, "provider": true, "depends_on": true},
		"data":      {"count": true, "for_each": true, "provider": true, "depends_on": true},
		"ephemeral": {"count": true, "for_each": true, "provider": true, "depends_on": true},
		"provider":  {"alias": true, "version": true},
	}
	metaBlocks = map[string]map[string]bool{
		"resource":  {"lifecycle": true, "provisioner": true, "connection": true},
		"data":      {"lifecycle": true},
		"ephemeral": {"lifecycle": true},
		"provider":  {},
	}
)

// CheckDir parses every .tf file of one module folder (not its subfolders) and checks
// each resource, data, ephemeral and provider block of this provider against the
// schema. Files are named in findings as filepath.Join(dir, name) with forward
// slashes, so pass dir relative to the repository root to get repository paths.
// A file that does not parse yields a syntax finding; the others are still checked.
func (s *Schema) CheckDir(dir string) ([]finding.Finding, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("schema check: %w", err)
	}
	var out []finding.Finding
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("schema check: %w", err)
		}
		out = append(out, s.CheckFile(filepath.ToSlash(path), src)...)
	}
	finding.Sort(out)
	return out, nil
}

// CheckFile checks one .tf file's content; name is used in findings.
func (s *Schema) CheckFile(name string, src []byte) []finding.Finding {
	c := &checker{s: s}
	f, diags := hclnest.ParseConfig(src, name, hcl.InitialPos)
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		c.addDiag(RuleSyntax, d)
	}
	if f == nil {
		return c.out
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return c.out
	}
	for _, b := range body.Blocks {
		c.topBlock(b)
	}
	return c.out
}

type checker struct {
	s   *Schema
	out []finding.Finding
}

func (c *checker) add(rule string, rng hcl.Range, format string, args ...any) {
	c.out = append(c.out, finding.Finding{
		Check:   "schema",
		Rule:    rule,
		Level:   finding.Error,
		Message: fmt.Sprintf(format, args...),
		File:    rng.Filename,
		Line:    rng.Start.Line,
		Column:  rng.Start.Column,
	})
}

func (c *checker) addDiag(rule string, d *hcl.Diagnostic) {
	f := finding.Finding{Check: "schema", Rule: rule, Level: finding.Error, Message: d.Summary}
	if d.Detail != "" {
		f.Message += ": " + d.Detail
	}
	if d.Subject != nil {
		f.File, f.Line, f.Column = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
	}
	c.out = append(c.out, f)
}

func (c *checker) topBlock(b *hclsyntax.Block) {
	kind := b.Type
	var (
		schema *Block
		where  string
	)
	switch kind {
	case "resource", "data", "ephemeral":
		if len(b.Labels) != 2 {
			return
		}
		typ := b.Labels[0]
		if !c.s.Owns(typ) || !c.usesThisProvider(b) {
			return
		}
		where = typ + "." + b.Labels[1]
		if kind != "resource" {
			where = kind + "." + where
		}
		var ok bool
		schema, ok = c.s.Lookup(kind, typ)
		if !ok {
			what := map[string]string{"resource": "resource type", "data": "data source", "ephemeral": "ephemeral resource type"}[kind]
			c.add(RuleUnknownType, b.LabelRanges[0], "The provider %s %s does not support %s %q%s",
				c.s.Provider, c.s.ProviderVersion, what, typ, suggest(typ, c.typeNames(kind)))
			return
		}
	case "provider":
		if len(b.Labels) != 1 || b.Labels[0] != c.s.Provider || c.s.ProviderConfig == nil {
			return
		}
		schema, where = c.s.ProviderConfig, "provider "+b.Labels[0]
	default:
		return
	}
	c.body(b.Body, schema, where, b.DefRange(), metaAttrs[kind], metaBlocks[kind])
}

// usesThisProvider reports whether a block's provider meta-argument (if any) names
// this provider: provider = aws or aws.alias.
func (c *checker) usesThisProvider(b *hclsyntax.Block) bool {
	a, ok := b.Body.Attributes["provider"]
	if !ok {
		return true
	}
	tr, diags := hcl.AbsTraversalForExpr(a.Expr)
	if diags.HasErrors() || len(tr) == 0 {
		return true
	}
	return tr.RootName() == c.s.Provider
}

func (c *checker) typeNames(kind string) []string {
	var m map[string]*Block
	switch kind {
	case "resource":
		m = c.s.Resources
	case "data":
		m = c.s.DataSources
	default:
		m = c.s.Ephemeral
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	return names
}

// body checks a block body against its schema. def is where the block is declared
// (for missing-argument findings); meta names arguments and blocks Terraform itself handles.
func (c *checker) body(body *hclsyntax.Body, sch *Block, where string, def hcl.Range, metaA, metaB map[string]bool) {
	present := map[string]bool{}
	c.arguments(body, sch, where, metaA, present)
	counts, dynamic := c.blocks(body, sch, where, metaB, present)
	c.missing(sch, where, def, present, counts, dynamic)
}

// arguments checks a body's arguments against the schema and records them in present.
func (c *checker) arguments(body *hclsyntax.Body, sch *Block, where string, meta, present map[string]bool) {
	for _, a := range sortedAttrs(body) {
		if meta[a.Name] {
			continue
		}
		present[a.Name] = true
		at, ok := sch.Attributes[a.Name]
		if !ok {
			if _, isBlock := sch.Blocks[a.Name]; isBlock {
				c.add(RuleBlockAsArgument, a.NameRange, "%q is a block in %s, not an argument: write `%s { ... }`", a.Name, where, a.Name)
				continue
			}
			c.add(RuleUnknownArgument, a.NameRange, "An argument named %q is not expected in %s%s", a.Name, where, suggest(a.Name, names(sch)))
			continue
		}
		if at.ComputedOnly() {
			c.add(RuleComputed, a.NameRange, "%q in %s is set by the provider and cannot be configured", a.Name, where)
			continue
		}
		if obj := at.Object(); obj != nil {
			c.objectValue(a.Expr, at, where+"."+a.Name)
		}
	}
}

// blocks checks a body's nested blocks (and dynamic blocks' content) against the
// schema, records them in present, and returns how many of each static block there
// are and which are generated by dynamic blocks.
func (c *checker) blocks(body *hclsyntax.Body, sch *Block, where string, meta, present map[string]bool) (counts map[string]int, dynamic map[string]bool) {
	counts = map[string]int{}
	dynamic = map[string]bool{}
	for _, b := range body.Blocks {
		if meta[b.Type] {
			continue
		}
		name, content, rng, ok := blockContent(b)
		if !ok {
			continue
		}
		if b.Type == "dynamic" {
			dynamic[name] = true
		}
		present[name] = true
		if nb, ok := sch.Blocks[name]; ok {
			counts[name]++
			for _, cb := range content {
				c.body(cb.Body, nb.Body(), where+"."+name, cb.DefRange(), nil, nil)
			}
			continue
		}
		if at, ok := sch.Attributes[name]; ok {
			switch {
			case at.Type == "any":
				// an opaque value in the bindings (deeply nested wafv2 statements): not checked
			case at.BlockSyntax:
				for _, cb := range content {
					c.body(cb.Body, at.Object(), where+"."+name, cb.DefRange(), nil, nil)
				}
			default:
				c.add(RuleArgumentAsBlock, rng, "%q is an argument in %s, not a block: write `%s = ...`", name, where, name)
			}
			continue
		}
		c.add(RuleUnknownBlock, rng, "Blocks of type %q are not expected in %s%s", name, where, suggest(name, names(sch)))
	}
	return counts, dynamic
}

// blockContent returns the block type a block stands for, the blocks holding its
// content and the range to report it at: the block itself, or for `dynamic "name"`
// that name, its content blocks and its label. ok is false for a dynamic block
// without exactly one label.
func blockContent(b *hclsyntax.Block) (name string, content []*hclsyntax.Block, rng hcl.Range, ok bool) {
	if b.Type != "dynamic" {
		return b.Type, []*hclsyntax.Block{b}, b.TypeRange, true
	}
	if len(b.Labels) != 1 {
		return "", nil, hcl.Range{}, false
	}
	for _, cb := range b.Body.Blocks {
		if cb.Type == "content" {
			content = append(content, cb)
		}
	}
	return b.Labels[0], content, b.LabelRanges[0], true
}

// missing reports required arguments and blocks that are absent, and blocks outside
// their min/max count (blocks a dynamic block generates are not counted).
func (c *checker) missing(sch *Block, where string, def hcl.Range, present map[string]bool, counts map[string]int, dynamic map[string]bool) {
	for _, n := range slices.Sorted(maps.Keys(sch.Attributes)) {
		at := sch.Attributes[n]
		if at.Required && !at.Computed && !present[n] {
			c.add(RuleMissingArgument, def, "The argument %q is required in %s, but no definition was found", n, where)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(sch.Blocks)) {
		nb := sch.Blocks[n]
		if dynamic[n] {
			continue
		}
		if nb.MinItems > 0 && counts[n] < nb.MinItems {
			c.add(RuleMissingBlock, def, "At least %d %q block is required in %s", nb.MinItems, n, where)
		}
		if nb.MaxItems > 0 && counts[n] > nb.MaxItems {
			c.add(RuleTooManyBlocks, def, "No more than %d %q block is allowed in %s, found %d", nb.MaxItems, n, where, counts[n])
		}
	}
}

// objectValue checks a literal object (or list/map of literal objects) given to an
// object-typed attribute. Non-literal values (variables, function calls) are skipped.
func (c *checker) objectValue(expr hclsyntax.Expression, at *Attribute, where string) {
	obj := at.Object()
	switch at.Nesting {
	case "single":
		if o, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
			c.object(o, obj, where)
		}
	case "list", "set":
		if t, ok := expr.(*hclsyntax.TupleConsExpr); ok {
			for _, e := range t.Exprs {
				if o, ok := e.(*hclsyntax.ObjectConsExpr); ok {
					c.object(o, obj, where)
				}
			}
		}
	case "map":
		if m, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, it := range m.Items {
				if o, ok := it.ValueExpr.(*hclsyntax.ObjectConsExpr); ok {
					c.object(o, obj, where+"[...]")
				}
			}
		}
	}
}

func (c *checker) object(o *hclsyntax.ObjectConsExpr, sch *Block, where string) {
	present := map[string]bool{}
	for _, it := range o.Items {
		key, ok := staticKey(it.KeyExpr)
		if !ok {
			return // a computed key: the object's shape is not known statically
		}
		present[key] = true
		rng := it.KeyExpr.Range()
		at, ok := sch.Attributes[key]
		if !ok {
			if _, isBlock := sch.Blocks[key]; isBlock {
				continue // nested blocks are plain object keys inside an object value
			}
			c.add(RuleUnknownArgument, rng, "An attribute named %q is not expected in %s%s", key, where, suggest(key, names(sch)))
			continue
		}
		if at.ComputedOnly() {
			c.add(RuleComputed, rng, "%q in %s is set by the provider and cannot be configured", key, where)
			continue
		}
		if at.Object() != nil {
			c.objectValue(it.ValueExpr, at, where+"."+key)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(sch.Attributes)) {
		at := sch.Attributes[n]
		if at.Required && !at.Computed && !present[n] {
			c.add(RuleMissingArgument, o.SrcRange, "The attribute %q is required in %s, but no definition was found", n, where)
		}
	}
}

func staticKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if !k.ForceNonLiteral {
			if kw := hcl.ExprAsKeyword(k.Wrapped); kw != "" {
				return kw, true
			}
		}
		e = k.Wrapped
	}
	if t, ok := e.(*hclsyntax.TemplateExpr); ok && len(t.Parts) == 1 {
		if l, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr); ok && l.Val.Type() == cty.String && l.Val.IsKnown() && !l.Val.IsNull() {
			return l.Val.AsString(), true
		}
	}
	return "", false
}

func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// names lists what a block accepts: its configurable attributes and nested blocks.
func names(b *Block) []string {
	var out []string
	for n, a := range b.Attributes {
		if !a.ComputedOnly() {
			out = append(out, n)
		}
	}
	for n := range b.Blocks {
		out = append(out, n)
	}
	return out
}

// suggest returns ` (did you mean "x"?)` for the closest candidate, or "".
func suggest(name string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := editdist.Distance(name, c)
		if best == "" || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > 3 || bestD*3 > len(name)+1 {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
