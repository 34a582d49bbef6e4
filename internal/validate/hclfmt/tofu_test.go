package hclfmt

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// tofuDifferences are the inputs olechka fmt formats differently from tofu fmt, on
// purpose (docs/fmt.md#differences-from-tofu-fmt): tofu fmt's spacing joins tokens and
// changes what the expression means, where olechka keeps them apart; and tofu fmt
// unwraps nested interpolations one level per run. Each is checked both ways,
// so the documentation stays true when either formatter changes.
var tofuDifferences = []struct{ in, tofu, olechka string }{
	{"A=0.0 .0\n", "A = 0.0.0\n", "A = 0.0 .0\n"}, // element 0 of 0.0 -> an invalid number
	{"A=1 .0\n", "A = 1.0\n", "A = 1 .0\n"},       // element 0 of 1 -> the number 1.0
	{"A=-2 .0\n", "A = -2.0\n", "A = -2 .0\n"},
	// tofu fmt unwraps one level per run (a second run gives a = x); olechka goes to
	// the fixed point, so formatting twice changes nothing.
	{"a = \"${\"${x}\"}\"\n", "a = \"${x}\"\n", "a = x\n"},
}

// tofuCorpus are small inputs beside the repository's own .tf files: fmt's rewrites
// (interpolation unwrapping, legacy types), alignment, comments, heredocs, templates.
var tofuCorpus = []string{
	"a = \"${b}\"\n",
	"a = \"${b}c\"\n",
	"variable \"v\" {\ntype = \"list\"\n}\n",
	"variable \"v\" {\n  type = \"map\"\n  default = {}\n}\n",
	"variable \"v\" {\ntype = \"string\"\n}\n",
	"locals {\na = 1\nbbbb = 2 # two\nc = [1,2,\n3]\n}\n",
	"resource \"x\" \"y\" {\n  for_each = { for k,v in var.m: k=>v if v!=null }\n  tags = merge(var.a,{Name=\"n\"})\n}\n",
	"a = <<EOT\n  ${x}\n    y\nEOT\n",
	"a = <<-EOT\n  ${x}\n    y\n  EOT\n",
	"a = \"%{ for x in y }${x}%{ endfor }\"\n",
	"a = x ? y : z\nb = !c\nd = -e\nf = g.*.h\ni = j[0].k\n",
	"/* block\ncomment */\na = 1 // tail\n",
	"a = a .0\n",
	"a = [0] .0\n",
}

// TestMatchesTofuFmt formats the repository's .tf files and the corpus above with
// olechka and with OpenTofu's `tofu fmt`: the results are the same byte for byte,
// except the documented differences.
func TestMatchesTofuFmt(t *testing.T) {
	tofu := testenv.Tool(t, "tofu")
	root := testenv.RepoRoot(t)
	dir := t.TempDir()
	want := map[string][]byte{} // temp file -> olechka's output
	add := func(name string, src []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		out, diags := Format(src, name)
		if diags.HasErrors() {
			return // tofu fmt refuses it too; nothing to compare
		}
		want[p] = out
	}
	n := 0
	for _, top := range []string{"modules", "examples", "internal/validate/hclfmt/testdata/format"} {
		filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tf") || strings.Contains(p, "/.terraform") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			n++
			add(fmt.Sprintf("repo%04d.tf", n), src)
			return nil
		})
	}
	for i, s := range tofuCorpus {
		add(fmt.Sprintf("corpus%02d.tf", i), []byte(s))
	}
	for i, d := range tofuDifferences {
		add(fmt.Sprintf("diff%02d.tf", i), []byte(d.in))
	}
	if n < 20 {
		t.Fatalf("only %d .tf files found in the repository", n)
	}
	cmd := exec.CommandContext(t.Context(), tofu, "fmt", "-no-color", "-list=false", dir)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tofu fmt: %v\n%s", err, out)
	}
	diffs := map[string]bool{}
	for i, d := range tofuDifferences {
		diffs[filepath.Join(dir, fmt.Sprintf("diff%02d.tf", i))] = true
		got, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("diff%02d.tf", i)))
		if string(got) != d.tofu {
			t.Errorf("tofu fmt %q = %q; docs/fmt.md says %q", d.in, got, d.tofu)
		}
		if o, _ := Format([]byte(d.in), "x.tf"); string(o) != d.olechka {
			t.Errorf("olechka fmt %q = %q; docs/fmt.md says %q", d.in, o, d.olechka)
		}
	}
	same := 0
	for p, w := range want {
		if diffs[p] {
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(w) {
			t.Errorf("%s: tofu fmt and olechka fmt differ\n%s", filepath.Base(p), Diff("tofu", got, w))
			continue
		}
		same++
	}
	t.Logf("%d files formatted identically by tofu fmt and olechka fmt (%d from the repository), %d documented differences",
		same, n, len(tofuDifferences))
}
