package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

var reWant = regexp.MustCompile(`# want: (\S+)`)

// wants reads the `# want: RULE` comments of a fixture folder as "file:line rule".
func wants(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range reWant.FindAllStringSubmatch(line, -1) {
				out = append(out, fmt.Sprintf("%s:%d %s", filepath.ToSlash(f), i+1, m[1]))
			}
		}
	}
	sort.Strings(out)
	return out
}

func keys(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
	}
	sort.Strings(out)
	return out
}

func fixtureDirs(t *testing.T, kind string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", kind, "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no %s fixtures: %v", kind, err)
	}
	return dirs
}

// Fixtures under testdata/fail carry `# want: RULE` on each line that must be reported;
// nothing else may be.
func TestCheckDirFail(t *testing.T) {
	s := real(t)
	for _, dir := range fixtureDirs(t, "fail") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			fs, err := s.CheckDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			want, have := wants(t, dir), keys(fs)
			if len(want) == 0 {
				t.Fatal("fixture has no `# want:` lines")
			}
			if !slices.Equal(want, have) {
				t.Errorf("findings differ\nwant:\n  %s\ngot:\n  %s\nmessages:\n%s", strings.Join(want, "\n  "), strings.Join(have, "\n  "), messages(fs))
			}
			for _, f := range fs {
				if f.Check != "schema" || f.Level != finding.Error || f.Column == 0 || f.Message == "" {
					t.Errorf("malformed finding %+v", f)
				}
			}
		})
	}
}

func TestCheckDirPass(t *testing.T) {
	s := real(t)
	for _, dir := range fixtureDirs(t, "pass") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			fs, err := s.CheckDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) > 0 {
				t.Errorf("a valid module got findings:\n%s", messages(fs))
			}
		})
	}
}

func messages(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

func TestMessages(t *testing.T) {
	s := real(t)
	fs := s.CheckFile("m.tf", []byte(`resource "aws_instance" "web" {
  instnce_type = "t3.micro"
}
resource "aws_instanc" "x" {}
`))
	if len(fs) != 2 {
		t.Fatalf("want 2 findings, got %v", fs)
	}
	for i, want := range []string{
		`m.tf:2:3: error: [schema schema/unknown-argument] An argument named "instnce_type" is not expected in aws_instance.web (did you mean "instance_type"?)`,
		`m.tf:4:10: error: [schema schema/unknown-type] The provider aws 6.66.0 does not support resource type "aws_instanc" (did you mean "aws_instance"?)`,
	} {
		if fs[i].String() != want {
			t.Errorf("finding %d:\n got %s\nwant %s", i, fs[i], want)
		}
	}
}

func TestCheckDirMissing(t *testing.T) {
	s := real(t)
	if _, err := s.CheckDir(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("a missing folder must be an error")
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"instance_type", "ami", "tags"}
	for in, want := range map[string]string{
		"instnce_type": ` (did you mean "instance_type"?)`,
		"tag":          ` (did you mean "tags"?)`,
		"zzzzzz":       ``,
	} {
		if got := suggest(in, cands); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkCheckDir(b *testing.B) {
	s := real(b)
	dir := filepath.Join("testdata", "pass", "platform")
	for b.Loop() {
		if _, err := s.CheckDir(dir); err != nil {
			b.Fatal(err)
		}
	}
}
