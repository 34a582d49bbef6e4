package hclfmt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzFormat: Format never panics; what it returns parses, keeps the file's structure
// (blocks, labels, attribute names) and its meaning (the parsed expressions, ignoring
// positions and fmt's intended rewrites) and is a fixed point (formatting it again changes
// nothing). The corpus found so far is kept in testdata/fuzz/FuzzFormat.
// Run: go test -run '^$' -fuzz FuzzFormat ./internal/validate/hclfmt/
func FuzzFormat(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/format/*")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b, strings.Contains(s, ".tf"))
		}
	}
	for _, s := range []string{
		"a = \"${b}\"\n",
		"a = \"${\n b\n ? c\n : d\n}\"\n",
		"a = <<EOT\n${x}\nEOT\n",
		"a = \"%{ for x in y }${x}%{ endfor }\"\n",
		"variable \"v\" {\n type = \"list\"\n}\n",
		"b \"l\" {\n c = { d = [1,2, { e = \"${f}\" }] }\n}\n",
		"a = \"${f(\"${g}\")}\"\n",
		"a = \"${~ b ~}\"\n",
		"# comment\na = 1 // other\n/* block */\n",
		"a = \"${<<EOT\nx\nEOT\n}\"\n",
		"A=0.0 .0\n",
		"A=1 .0\n",
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, src []byte, tf bool) {
		name := "f.hcl"
		if tf {
			name = "f.tf"
		}
		out, diags := Format(src, name)
		if diags.HasErrors() {
			if out != nil {
				t.Fatal("output despite errors")
			}
			return
		}
		f2, d2 := hclsyntax.ParseConfig(out, name, hcl.InitialPos)
		if d2.HasErrors() {
			t.Fatalf("formatted output does not parse: %v\ninput:\n%s\noutput:\n%s", d2, src, out)
		}
		f1, _ := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if a, b := shape(f1.Body.(*hclsyntax.Body)), shape(f2.Body.(*hclsyntax.Body)); a != b {
			t.Fatalf("structure changed:\n%s\n---\n%s\ninput:\n%q\noutput:\n%q", a, b, src, out)
		}
		if r := meaningChange(f1.Body.(*hclsyntax.Body), f2.Body.(*hclsyntax.Body), tf); r != nil {
			t.Fatalf("meaning changed at %s:\ninput:\n%q\noutput:\n%q", r, src, out)
		}
		again, d3 := Format(out, name)
		if d3.HasErrors() || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\ninput:\n%q\nonce:\n%q\ntwice:\n%q", src, out, again)
		}
	})
}

// shape describes a body's blocks and attribute names, ignoring values and layout.
func shape(b *hclsyntax.Body) string {
	var parts []string
	for n := range b.Attributes {
		parts = append(parts, n)
	}
	sort.Strings(parts)
	for _, blk := range b.Blocks {
		parts = append(parts, fmt.Sprintf("%s%q{%s}", blk.Type, blk.Labels, shape(blk.Body)))
	}
	return strings.Join(parts, ";")
}
