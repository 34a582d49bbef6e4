package hclfmt

import (
	"fmt"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var reHunk = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// apply applies a unified diff made by Diff to a, checking hunk headers and context.
func apply(t *testing.T, a, diff string) string {
	t.Helper()
	src := splitLines([]byte(a))
	lines := strings.SplitAfter(diff, "\n")
	if !strings.HasPrefix(lines[0], "--- a/") || !strings.HasPrefix(lines[1], "+++ b/") {
		t.Fatalf("bad headers:\n%s", diff)
	}
	var out []string
	pos := 0 // next line of a to copy
	var last *string
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if m := reHunk.FindStringSubmatch(strings.TrimSuffix(l, "\n")); m != nil {
			start, _ := strconv.Atoi(m[1])
			count := 1
			if m[2] != "" {
				count, _ = strconv.Atoi(m[2])
			}
			if count > 0 {
				start--
			}
			if start < pos {
				t.Fatalf("hunk goes backwards: %s", l)
			}
			out = append(out, src[pos:start]...)
			pos = start
			continue
		}
		if l == "\\ No newline at end of file\n" {
			if last == nil {
				t.Fatal("no-newline marker without a line")
			}
			*last = strings.TrimSuffix(*last, "\n")
			continue
		}
		text := l[1:]
		switch l[0] {
		case ' ':
			if pos >= len(src) || strings.TrimSuffix(src[pos], "\n") != strings.TrimSuffix(text, "\n") {
				t.Fatalf("context mismatch at line %d: %q", pos+1, text)
			}
			out = append(out, src[pos])
			last = &out[len(out)-1]
			pos++
		case '-':
			if pos >= len(src) || strings.TrimSuffix(src[pos], "\n") != strings.TrimSuffix(text, "\n") {
				t.Fatalf("removed line mismatch at line %d: %q", pos+1, text)
			}
			pos++
			last = new(string) // a removed line's marker changes nothing in the output
		case '+':
			out = append(out, text)
			last = &out[len(out)-1]
		default:
			t.Fatalf("bad line %q", l)
		}
	}
	out = append(out, src[pos:]...)
	return strings.Join(out, "")
}

func TestDiffApplies(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	words := []string{"a\n", "b\n", "c\n", "d\n", "e"}
	gen := func() string {
		var b strings.Builder
		n := r.Intn(30)
		for i := 0; i < n; i++ {
			w := words[r.Intn(len(words)-1)]
			b.WriteString(w)
		}
		if r.Intn(3) == 0 {
			b.WriteString(words[4]) // no trailing newline
		}
		return b.String()
	}
	for i := 0; i < 2000; i++ {
		a, b := gen(), gen()
		d := Diff("f.tf", []byte(a), []byte(b))
		if a == b {
			if d != "" {
				t.Fatalf("equal inputs gave a diff:\n%s", d)
			}
			continue
		}
		if got := apply(t, a, d); got != b {
			t.Fatalf("case %d: applying the diff gave %q, want %q\na=%q\ndiff:\n%s", i, got, b, a, d)
		}
	}
}

func TestDiffFormat(t *testing.T) {
	a := "locals {\n  a=1\n}\n"
	b := "locals {\n  a = 1\n}\n"
	want := "--- a/x.hcl\n+++ b/x.hcl\n@@ -1,3 +1,3 @@\n locals {\n-  a=1\n+  a = 1\n }\n"
	if got := Diff("x.hcl", []byte(a), []byte(b)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// far-apart changes make separate hunks
	var x, y strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&x, "l%d\n", i)
		if i == 1 || i == 18 {
			fmt.Fprintf(&y, "L%d\n", i)
		} else {
			fmt.Fprintf(&y, "l%d\n", i)
		}
	}
	d := Diff("f", []byte(x.String()), []byte(y.String()))
	if n := strings.Count(d, "\n@@ "); n != 2 {
		t.Errorf("want 2 hunks, got %d:\n%s", n, d)
	}
	if !strings.Contains(d, "@@ -1,5 +1,5 @@") || !strings.Contains(d, "@@ -16,5 +16,5 @@") {
		t.Errorf("hunk ranges:\n%s", d)
	}
}

// Beyond maxEdits lines of change the diff shows the whole file replaced.
func TestDiffLarge(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&a, "a%d\n", i)
		fmt.Fprintf(&b, "b%d\n", i)
	}
	d := Diff("big", []byte(a.String()), []byte(b.String()))
	if got := apply(t, a.String(), d); got != b.String() {
		t.Error("large diff does not apply")
	}
}
