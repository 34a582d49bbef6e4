// Package hclfmt formats Terragrunt (.hcl) and OpenTofu (.tf) files canonically with
// hclwrite, the formatter `terraform fmt` and `terragrunt hclfmt` use, and checks a
// tree for files that are not formatted or do not parse.
//
// For .tf files it also does what `terraform fmt` adds on top of hclwrite: an
// attribute whose whole value is one interpolation ("${var.x}") is unwrapped to the
// expression, and legacy quoted type constraints in variable blocks ("string") become
// type expressions. So a file olechka leaves alone is `terraform fmt`-clean.
package hclfmt

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// Rules reported by Check.
const (
	RuleUnformatted = "fmt/unformatted"
	RuleSyntax      = "fmt/syntax"
	RuleUnsafe      = "fmt/unsafe" // formatting would change meaning; the file is left as is
)

// Format returns src canonically formatted. A file that does not parse is returned as
// nil with the parser's diagnostics (file:line:col in each Subject). filename picks
// the dialect: names ending in .tf get terraform fmt's extra rewrites.
//
// Formatting never changes what the file means: where hclwrite would join two tokens
// into one (`1 .0` into `1.0`) a space is kept between them, and a file whose parse
// would still differ is returned unchanged with a warning (RuleUnsafe) saying where.
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	orig, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	tf := strings.HasSuffix(filename, ".tf")
	var changed *hcl.Range
	try := func(pre, formatted []byte) []byte {
		out := respace(pre, formatted, filename)
		if out == nil {
			changed = &orig.Body.(*hclsyntax.Body).SrcRange
			return nil
		}
		f, d := hclsyntax.ParseConfig(out, filename, hcl.InitialPos)
		if d.HasErrors() {
			changed = &orig.Body.(*hclsyntax.Body).SrcRange
			return nil
		}
		if r := meaningChange(orig.Body.(*hclsyntax.Body), f.Body.(*hclsyntax.Body), tf); r != nil {
			changed = r
			return nil
		}
		return out
	}
	f, wdiags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if wdiags.HasErrors() {
		return nil, wdiags
	}
	if tf {
		formatTFBody(f.Body(), nil)
	}
	if out := try(f.BuildTokens(nil).Bytes(), f.Bytes()); out != nil {
		return out, diags
	}
	// The .tf rewrites must never break a file; without them, plain formatting.
	if tf {
		if out := try(src, hclwrite.Format(src)); out != nil {
			return out, diags
		}
	}
	return src, append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Left unformatted",
		Detail:   "formatting would change the meaning of this file here, so it is left as it is",
		Subject:  changed,
	})
}

// formatTFBody applies terraform fmt's rewrites to every attribute, recursively.
func formatTFBody(body *hclwrite.Body, inBlocks []string) {
	attrs := body.Attributes()
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		attr := attrs[name]
		if len(inBlocks) == 1 && inBlocks[0] == "variable" && name == "type" {
			if t := unquoteType(attr.Expr().BuildTokens(nil)); t != nil {
				body.SetAttributeRaw(name, t)
				continue
			}
		}
		// "${"${x}"}" unwraps twice: repeat until nothing is left to unwrap, so
		// formatting is a fixed point
		toks, changed := attr.Expr().BuildTokens(nil), false
		for u := unwrapInterpolation(toks); u != nil; u = unwrapInterpolation(toks) {
			toks, changed = u, true
		}
		if changed {
			body.SetAttributeRaw(name, toks)
		}
	}
	for _, b := range body.Blocks() {
		formatTFBody(b.Body(), append(inBlocks[:len(inBlocks):len(inBlocks)], b.Type()))
	}
}

// unquoteType turns the legacy "string", "list" and "map" type constraints into
// string, list(string) and map(string); nil when the tokens are something else.
func unquoteType(toks hclwrite.Tokens) hclwrite.Tokens {
	if len(toks) != 3 || toks[0].Type != hclsyntax.TokenOQuote || toks[1].Type != hclsyntax.TokenQuotedLit || toks[2].Type != hclsyntax.TokenCQuote {
		return nil
	}
	ident := func(s string) *hclwrite.Token { return &hclwrite.Token{Type: hclsyntax.TokenIdent, Bytes: []byte(s)} }
	switch string(toks[1].Bytes) {
	case "string":
		return hclwrite.Tokens{ident("string")}
	case "list", "map":
		return hclwrite.Tokens{
			ident(string(toks[1].Bytes)),
			{Type: hclsyntax.TokenOParen, Bytes: []byte("(")},
			ident("string"),
			{Type: hclsyntax.TokenCParen, Bytes: []byte(")")},
		}
	}
	return nil
}

// unwrapInterpolation returns the expression inside a value that is exactly one
// interpolation, "${ expr }", or nil when the value is anything else (literal text,
// several interpolations, template directives). A multi-line expression is kept in
// parentheses so it still parses as one expression.
func unwrapInterpolation(toks hclwrite.Tokens) hclwrite.Tokens {
	n := len(toks)
	if n < 5 ||
		toks[0].Type != hclsyntax.TokenOQuote || toks[1].Type != hclsyntax.TokenTemplateInterp ||
		toks[n-2].Type != hclsyntax.TokenTemplateSeqEnd || toks[n-1].Type != hclsyntax.TokenCQuote {
		return nil
	}
	inner := toks[2 : n-2]
	depth := 0 // nesting of quoted strings and heredocs inside the expression
	for _, t := range inner {
		switch t.Type {
		case hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			depth++
			continue
		case hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		switch t.Type {
		case hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl, hclsyntax.TokenTemplateSeqEnd,
			hclsyntax.TokenQuotedLit, hclsyntax.TokenStringLit:
			return nil // "${a}${b}", "${a} text", "%{if}...": a real template
		}
	}
	if depth != 0 {
		return nil
	}
	// newlines just inside "${" and "}" would end the attribute early once unwrapped
	for len(inner) > 0 && inner[0].Type == hclsyntax.TokenNewline {
		inner = inner[1:]
	}
	for len(inner) > 0 && inner[len(inner)-1].Type == hclsyntax.TokenNewline {
		inner = inner[:len(inner)-1]
	}
	if len(inner) == 0 {
		return nil
	}
	multiline := false
	for _, t := range inner {
		if t.Type == hclsyntax.TokenNewline || bytes.ContainsRune(t.Bytes, '\n') {
			multiline = true
			break
		}
	}
	if !multiline {
		return inner
	}
	out := make(hclwrite.Tokens, 0, len(inner)+2)
	out = append(out, &hclwrite.Token{Type: hclsyntax.TokenOParen, Bytes: []byte("(")})
	out = append(out, inner...)
	return append(out, &hclwrite.Token{Type: hclsyntax.TokenCParen, Bytes: []byte(")")})
}

// File is one file's formatting result.
type File struct {
	Path      string // as found under the root given to Files/Check (OS path)
	Src       []byte
	Formatted []byte          // nil when the file does not parse
	Diags     hcl.Diagnostics // parse errors; a warning when formatting was unsafe
}

// Changed reports whether formatting changes the file.
func (f *File) Changed() bool { return f.Formatted != nil && !bytes.Equal(f.Src, f.Formatted) }

// skipDir reports folders that are never formatted: caches, hidden folders, and
// testdata (Go's convention for fixtures, which may be malformed on purpose).
func skipDir(name string) bool {
	return name == ".terragrunt-cache" || name == ".cache" || name == "node_modules" || name == "testdata" ||
		(strings.HasPrefix(name, ".") && name != "." && name != "..")
}

// Formattable reports whether a file name is one fmt handles (.hcl and .tf).
func Formattable(name string) bool {
	return strings.HasSuffix(name, ".hcl") || strings.HasSuffix(name, ".tf")
}

// Files lists the .hcl and .tf files under root (or root itself when it is a file),
// sorted, skipping .terragrunt-cache, .cache, node_modules, testdata and hidden folders
// (root itself is always walked, whatever its name).
func Files(root string) ([]string, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("fmt: %w", err)
	}
	if !st.IsDir() {
		return []string{root}, nil
	}
	var out []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && Formattable(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fmt: %w", err)
	}
	sort.Strings(out)
	return out, nil
}

// FormatFile reads and formats one file (it does not write it).
func FormatFile(path string) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fmt: %w", err)
	}
	out, diags := Format(src, path)
	f := &File{Path: path, Src: src, Formatted: out, Diags: diags}
	if diags.HasErrors() {
		f.Formatted = nil
	}
	return f, nil
}

// Check reports every file under root that is not canonically formatted, and every
// file that does not parse (one finding per parse error, with file:line:col). Paths
// in findings are root joined with the file's path below it, with forward slashes.
func Check(root string) ([]finding.Finding, error) {
	files, err := Files(root)
	if err != nil {
		return nil, err
	}
	var out []finding.Finding
	for _, p := range files {
		f, err := FormatFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, f.Findings()...)
	}
	finding.Sort(out)
	return out, nil
}

// Findings returns the file's parse errors, or an unformatted finding pointing at
// the first line formatting changes.
func (f *File) Findings() []finding.Finding {
	name := filepath.ToSlash(f.Path)
	var out []finding.Finding
	for _, d := range f.Diags {
		fd := finding.Finding{Check: "fmt", Rule: RuleSyntax, Level: finding.Error, Message: d.Summary, File: name}
		if d.Severity != hcl.DiagError {
			fd.Rule, fd.Level = RuleUnsafe, finding.Warning
		}
		if d.Detail != "" {
			fd.Message += ": " + d.Detail
		}
		if d.Subject != nil {
			fd.Line, fd.Column = d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, fd)
	}
	if f.Changed() {
		out = append(out, finding.Finding{
			Check: "fmt", Rule: RuleUnformatted, Level: finding.Error,
			Message: "not canonically formatted; run `olechka fmt " + name + "`",
			File:    name, Line: firstDiffLine(f.Src, f.Formatted), Column: 1,
		})
	}
	return out
}

func firstDiffLine(a, b []byte) int {
	line := 1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return line
		}
		if a[i] == '\n' {
			line++
		}
	}
	return line
}
