package hclnest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func TestDeepNestingRefused(t *testing.T) {
	// 400 KB of "[" was a fatal stack overflow in hcl/v2's parser; the other shapes
	// are refused at the same depth, so a smaller n keeps the test fast.
	const n = 5_000
	cases := map[string]string{
		"brackets 200k": "a = 1\nx = " + strings.Repeat("[", 200_000),
		"braces":        "a = 1\nx = " + strings.Repeat("{a=", n),
		"parens":        "a = 1\nx = " + strings.Repeat("(", n),
		"interp":        "a = 1\nx = " + strings.Repeat(`"${`, n),
		"blocks":        "a = 1\n" + strings.Repeat("b {\n", n),
		"bang":          "a = 1\nx = " + strings.Repeat("!", n) + "true",
		"minus":         "a = 1\nx = " + strings.Repeat("-", n) + "1",
		"conditional":   "a = 1\nx = " + strings.Repeat("true ? 1 : ", n) + "2",
		"in newlines":   "a = 1\nx = (" + strings.Repeat("!\n", n) + "true)",
		"nested calls":  "a = 1\nx = " + strings.Repeat("f(", n),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			f, diags := ParseConfig([]byte(src), "deep.hcl", hcl.InitialPos)
			if f != nil || !diags.HasErrors() {
				t.Fatalf("parsed (%v), want a nesting error", diags)
			}
			d := diags[0]
			if d.Summary != "Nesting too deep" || d.Subject == nil || d.Subject.Filename != "deep.hcl" || d.Subject.Start.Line < 2 {
				t.Errorf("diagnostic = %s at %v, want Nesting too deep at deep.hcl:2 or later", d.Summary, d.Subject)
			}
		})
	}
}

func TestOrdinaryNestingAccepted(t *testing.T) {
	cases := map[string]string{
		"brackets 100":         "x = " + strings.Repeat("[", 100) + strings.Repeat("]", 100),
		"long subtraction":     "x = 1" + strings.Repeat(" - 1", 10_000),
		"long sum":             "x = 1" + strings.Repeat(" + 1", 10_000),
		"many items":           "x = [" + strings.Repeat("!true, -1, true ? 1 : 2,\n", 10_000) + "]",
		"many attributes":      strings.Repeat("x = !true ? -1 : 2\n", 10_000),
		"heredoc":              "x = <<EOT\n" + strings.Repeat("${a}[[[(((\n", 1_000) + "EOT\n",
		"template interp deep": `x = "${"${"${"a"}"}"}"`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if diags := Check([]byte(src), "ok.hcl", hcl.InitialPos); diags.HasErrors() {
				t.Fatalf("refused: %v", diags)
			}
		})
	}
	// A 10,000-term sum still evaluates (hcl parses it with a loop, evaluates it by
	// recursion 10,000 deep: well within the stack).
	f, diags := ParseConfig([]byte(cases["long sum"]), "sum.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	attrs, _ := f.Body.JustAttributes()
	v, diags := attrs["x"].Expr.Value(nil)
	if diags.HasErrors() || !v.Equals(cty.NumberIntVal(10_001)).True() {
		t.Errorf("sum = %#v %v", v, diags)
	}
}

// TestRepositoryFilesAccepted: every HCL file of the repository's own trees passes.
func TestRepositoryFilesAccepted(t *testing.T) {
	n := 0
	for _, dir := range []string{"../../live", "../../modules", "../../examples"} {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".hcl") || strings.HasSuffix(p, ".tf")) {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			if diags := Check(src, p, hcl.InitialPos); diags.HasErrors() {
				t.Errorf("%s refused: %v", p, diags)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 50 {
		t.Fatalf("only %d files checked", n)
	}
}
