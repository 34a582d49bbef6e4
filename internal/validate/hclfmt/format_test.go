package hclfmt

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

type tokens = hclwrite.Tokens

func exprTokens(expr string) hclwrite.Tokens {
	f, _ := hclwrite.ParseConfig([]byte("x = "+expr+"\n"), "e.tf", hcl.InitialPos)
	return f.Body().GetAttribute("x").Expr().BuildTokens(nil)
}

var update = flag.Bool("update", false, "rewrite the .golden files")

// testdata/format/NAME.{tf,hcl} formats to NAME.{tf,hcl}.golden (the .tf golden was
// checked against `terraform fmt` when written).
func TestFormatGolden(t *testing.T) {
	ins, _ := filepath.Glob("testdata/format/*.tf")
	hcls, _ := filepath.Glob("testdata/format/*.hcl")
	ins = append(ins, hcls...)
	if len(ins) == 0 {
		t.Fatal("no fixtures")
	}
	for _, in := range ins {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, diags := Format(src, in)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			golden := in + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("formatted differently:\n%s", Diff(filepath.Base(in), want, got))
			}
			again, _ := Format(got, in)
			if !bytes.Equal(again, got) {
				t.Errorf("not idempotent:\n%s", Diff(filepath.Base(in), got, again))
			}
		})
	}
}

func TestFormatBroken(t *testing.T) {
	src := []byte("locals {\n  a = 1\n  b = [1, 2\n}\n")
	out, diags := Format(src, "dir/broken.hcl")
	if out != nil || !diags.HasErrors() {
		t.Fatalf("want nil and errors, got %q %v", out, diags)
	}
	d := diags[0]
	if d.Subject == nil || d.Subject.Filename != "dir/broken.hcl" || d.Subject.Start.Line < 3 {
		t.Errorf("diagnostic without a useful position: %v", d)
	}
}

func TestDialects(t *testing.T) {
	src := []byte("a = \"${local.x}\"\n")
	tf, _ := Format(src, "x.tf")
	hclOut, _ := Format(src, "x.hcl")
	if string(tf) != "a = local.x\n" {
		t.Errorf(".tf: got %q", tf)
	}
	if string(hclOut) != string(src) {
		t.Errorf(".hcl must keep interpolations as terragrunt hclfmt does: got %q", hclOut)
	}
}

func TestUnwrapInterpolation(t *testing.T) {
	for in, want := range map[string]string{
		`"${a}"`:                       `a`,
		`"${a.b[0]}"`:                  `a.b[0]`,
		`"${a}-x"`:                     ``,
		`"x${a}"`:                      ``,
		`"${a}${b}"`:                   ``,
		`"%{if a}x%{endif}"`:           ``,
		`"${f("${b}")}"`:               `f("${b}")`,
		`"${a ? "${b}" : "c"}"`:        `a ? "${b}" : "c"`,
		`"plain"`:                      ``,
		"\"${\n  a\n}\"":               `a`,
		"\"${\n  a\n  ? 1\n  : 2\n}\"": "(a\n  ? 1\n: 2)", // as terraform fmt leaves it
	} {
		f, diags := hclwriteTokens(t, in)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", in, diags)
		}
		got := ""
		if u := unwrapInterpolation(f); u != nil {
			got = strings.TrimSpace(string(hclwrite.Format(u.Bytes())))
		}
		if got != want {
			t.Errorf("unwrap %s = %q, want %q", in, got, want)
		}
	}
}

func hclwriteTokens(t *testing.T, expr string) (tokens, hcl.Diagnostics) {
	t.Helper()
	_, diags := hclsyntax.ParseExpression([]byte(expr), "e", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return exprTokens(expr), nil
}

// TestFormatKeepsMeaning: where hclwrite's spacing would join two tokens into one, the
// formatter keeps them apart, so the file means what it meant.
func TestFormatKeepsMeaning(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"A=0.0 .0\n", "A = 0.0 .0\n"},   // element 0 of 0.0, not the invalid number 0.0.0
		{"A=1 .0\n", "A = 1 .0\n"},       // element 0 of 1, not the number 1.0
		{"A=a .0\n", "A = a.0\n"},        // a.0 lexes as a, ., 0: joining is safe
		{"A=[0] .0\n", "A = [0].0\n"},    // likewise
		{"A=-1 .0\n", "A = -1 .0\n"},     // the number -1.0 would be a different value
		{"A=1 .0 .0\n", "A = 1 .0 .0\n"}, // two joins in one expression
		{"b {\nx=2 .0\ny=3\n}\n", "b {\n  x = 2 .0\n  y = 3\n}\n"},
	} {
		for _, name := range []string{"f.hcl", "f.tf"} {
			out, diags := Format([]byte(c.in), name)
			if len(diags) > 0 {
				t.Fatalf("%s %q: %v", name, c.in, diags)
			}
			if string(out) != c.want {
				t.Errorf("%s %q formatted to %q, want %q", name, c.in, out, c.want)
			}
			again, _ := Format(out, name)
			if !bytes.Equal(again, out) {
				t.Errorf("%s %q: not a fixed point: %q then %q", name, c.in, out, again)
			}
		}
	}
}

// TestMeaningChange: the comparison fmt relies on sees a changed value and ignores layout,
// parentheses and the intended .tf rewrites.
func TestMeaningChange(t *testing.T) {
	parse := func(s string) *hclsyntax.Body {
		f, d := hclsyntax.ParseConfig([]byte(s), "f.tf", hcl.InitialPos)
		if d.HasErrors() {
			t.Fatalf("%q: %v", s, d)
		}
		return f.Body.(*hclsyntax.Body)
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"a = 1 .0\n", "a = 1.0\n", false},
		{"a = 1\n", "a   =   1\n", true},
		{"a = (b + 1)\n", "a = b + 1\n", true},
		{"a = \"${b}\"\n", "a = b\n", true},
		{"a = \"${b}x\"\n", "a = b\n", false},
		{"a = b * (c + d)\n", "a = b * c + d\n", false},
		{"variable \"v\" {\n  type = \"list\"\n}\n", "variable \"v\" {\n  type = list(string)\n}\n", true},
		{"variable \"v\" {\n  type = \"list\"\n}\n", "variable \"v\" {\n  type = list(number)\n}\n", false},
		{"x {\n  type = \"list\"\n}\n", "x {\n  type = list(string)\n}\n", false},
		{"b \"l\" {\n  c = f(1, 2)\n}\n", "b \"l\" {\n  c = f(1, 3)\n}\n", false},
		{"b \"l\" {}\n", "b \"m\" {}\n", false},
		{"a = { x = 1 }\n", "a = {\n  x = 1\n}\n", true},
		{"a = [for x in y : x if x]\n", "a = [for x in y : x]\n", false},
	} {
		got := meaningChange(parse(c.a), parse(c.b), true) == nil
		if got != c.same {
			t.Errorf("%q vs %q: same=%v, want %v", c.a, c.b, got, c.same)
		}
	}
}
