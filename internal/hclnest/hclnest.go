// Package hclnest refuses HCL source nested so deeply that hcl/v2's recursive-descent
// parser would exhaust the goroutine stack (a fatal error Go cannot recover from): a
// file of 200,000 "[" is 400 KB. It scans the tokens, which the lexer produces without
// recursion, before any parser sees them.
package hclnest

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxDepth is how deeply brackets, braces, parentheses, template sequences, blocks,
// prefix operators and conditionals may nest. Real configurations stay below 30.
const MaxDepth = 256

// Check returns an error diagnostic at the first token that nests deeper than
// MaxDepth, or nil. start is where src begins (hcl.InitialPos for a whole file).
func Check(src []byte, filename string, start hcl.Pos) hcl.Diagnostics {
	if !mayNest(src, MaxDepth) {
		return nil
	}
	toks, _ := hclsyntax.LexConfig(src, filename, start)
	return checkTokens(toks, MaxDepth)
}

// CheckTemplate is Check for a template (templatefile's file).
func CheckTemplate(src []byte, filename string, start hcl.Pos) hcl.Diagnostics {
	if !mayNest(src, MaxDepth) {
		return nil
	}
	toks, _ := hclsyntax.LexTemplate(src, filename, start)
	return checkTokens(toks, MaxDepth)
}

// mayNest tells whether src could nest deeper than max. Every token that deepens the
// nesting ({ [ ( ${ %{ " << ! - ?) holds one of the bytes counted here and no two
// share one, so a file with at most max of them cannot: most files skip the lexing.
func mayNest(src []byte, max int) bool {
	n := 0
	for _, c := range src {
		switch c {
		case '{', '[', '(', '"', '<', '!', '-', '?':
			n++
			if n > max {
				return true
			}
		}
	}
	return false
}

// ParseConfig checks src and then parses it with hclsyntax.ParseConfig.
func ParseConfig(src []byte, filename string, start hcl.Pos) (*hcl.File, hcl.Diagnostics) {
	if diags := Check(src, filename, start); diags.HasErrors() {
		return nil, diags
	}
	return hclsyntax.ParseConfig(src, filename, start)
}

// frame is one open bracket; chain counts the prefix operators and conditionals of
// its current item, each of which the parser enters by recursion.
type frame struct {
	open  hclsyntax.TokenType
	chain int
}

// endsOperand tells whether a token can end an operand, so that a "-" after it is
// binary subtraction, not a prefix minus.
func endsOperand(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenCBrace, hclsyntax.TokenCBrack,
		hclsyntax.TokenCParen, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenStar:
		return true
	}
	return false
}

func checkTokens(toks hclsyntax.Tokens, max int) hcl.Diagnostics {
	stack := []frame{{open: hclsyntax.TokenOBrace}}
	depth := 0 // len(stack)-1 + sum of chains
	prev := hclsyntax.TokenNil
	for _, t := range toks {
		top := &stack[len(stack)-1]
		ty := t.Type
		if ty == hclsyntax.TokenMinus && endsOperand(prev) {
			ty = hclsyntax.TokenNil // subtraction: parsed by a loop, not by recursion
		}
		prev = t.Type
		switch ty {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			stack = append(stack, frame{open: t.Type})
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			if len(stack) > 1 {
				depth -= 1 + top.chain
				stack = stack[:len(stack)-1]
			}
			continue
		case hclsyntax.TokenBang, hclsyntax.TokenMinus, hclsyntax.TokenQuestion:
			// "!!!x", "- - x" and "a ? b : c ? d : ..." each recurse once per operator.
			top.chain++
			depth++
		case hclsyntax.TokenComma, hclsyntax.TokenNewline:
			// An item ends, and with it its operator chains; inside parentheses, brackets
			// and template sequences a newline is only white space.
			if ty == hclsyntax.TokenComma || top.open == hclsyntax.TokenOBrace {
				depth -= top.chain
				top.chain = 0
			}
		}
		if depth > max {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Nesting too deep",
				Detail: fmt.Sprintf("This expression nests more than %d levels deep (brackets, braces, parentheses, "+
					"templates, prefix operators or conditionals); olechka refuses it rather than exhaust its stack.", max),
				Subject: t.Range.Ptr(),
			}}
		}
	}
	return nil
}
