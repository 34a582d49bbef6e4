package tflint

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func keys(fs []finding.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Level))
		if f.Check != "lint" || f.Message == "" {
			out = append(out, "MALFORMED")
		}
	}
	return strings.Join(out, "\n")
}

func TestRun(t *testing.T) {
	bin := testenv.Tool(t, "tflint")
	ctx := context.Background()
	for _, c := range []struct {
		dir  string
		want []string
	}{
		{"testdata/issues", []string{
			"testdata/issues/main.tf:5:1 terraform_typed_variables warning",
			"testdata/issues/main.tf:5:1 terraform_unused_declarations warning",
			"testdata/issues/main.tf:13:3 terraform_unused_declarations warning",
			"testdata/issues/main.tf:17:11 terraform_deprecated_interpolation warning",
		}},
		{"testdata/clean", nil},
		// a module that does not parse is a finding with file:line, not an error
		{"testdata/broken", []string{"testdata/broken/main.tf:7:1 tflint/error error"}},
	} {
		t.Run(filepath.Base(c.dir), func(t *testing.T) {
			fs, err := Run(ctx, bin, c.dir)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := keys(fs), strings.Join(c.want, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	// a relative path to the binary works although tflint runs in the module folder
	wd, _ := os.Getwd()
	if rel, err := filepath.Rel(wd, bin); err == nil && !filepath.IsAbs(rel) {
		if fs, err := Run(ctx, "./"+rel, "testdata/issues"); err != nil || len(fs) != 4 {
			t.Errorf("relative binary %s: %v %v", rel, fs, err)
		}
	}
	// absolute folders give absolute paths
	abs, _ := filepath.Abs("testdata/issues")
	fs, err := Run(ctx, bin, abs)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 || fs[0].File != filepath.ToSlash(filepath.Join(abs, "main.tf")) {
		t.Errorf("absolute dir: %v", fs)
	}
	if !strings.Contains(fs[0].Message, "`untyped` variable has no type") {
		t.Errorf("message: %q", fs[0].Message)
	}
}

func TestRunErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Run(ctx, "", "testdata/clean"); err == nil {
		t.Error("no binary must be an error")
	}
	if _, err := Run(ctx, "/bin/true", "testdata/nope"); err == nil {
		t.Error("a missing folder must be an error")
	}
	// a tool that prints no JSON
	script := filepath.Join(t.TempDir(), "tflint")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'Failed to initialize plugins; Plugin \"aws\" not found' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Run(ctx, script, "testdata/clean")
	if err == nil || !strings.Contains(err.Error(), `Plugin "aws" not found`) {
		t.Errorf("want tflint's message in the error, got %v", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(ctx, script, "testdata/clean"); err == nil {
		t.Error("a cancelled context must be an error")
	}
}

func TestMapReport(t *testing.T) {
	var rep report
	err := json.Unmarshal([]byte(`{"issues":[{"rule":{"name":"aws_instance_invalid_type","severity":"error"},
		"message":"\"t9.huge\" is an invalid value","range":{"filename":"child/main.tf","start":{"line":3,"column":5}},
		"callers":[{"filename":"main.tf","start":{"line":10,"column":3}}]},
		{"rule":{"name":"terraform_comment_syntax","severity":"notice"},"message":"m","range":{"filename":"main.tf","start":{"line":1,"column":1}}}],
		"errors":[{"summary":"Unclosed configuration block","severity":"error","range":{"filename":"x.tf","start":{"line":1,"column":18}}},
		{"summary":"Failed to load configurations","message":"no such file","severity":"error"}]}`), &rep)
	if err != nil {
		t.Fatal(err)
	}
	fs := mapReport(rep, "modules/app")
	want := []string{
		":0:0 tflint/error error",
		"modules/app/child/main.tf:3:5 aws_instance_invalid_type error",
		"modules/app/main.tf:1:1 terraform_comment_syntax note",
		"modules/app/x.tf:1:18 tflint/error error",
	}
	if got := keys(fs); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	if !strings.Contains(fs[1].Message, "(called from modules/app/main.tf:10)") {
		t.Errorf("caller missing: %q", fs[1].Message)
	}
	if fs[0].Message != "Failed to load configurations: no such file" {
		t.Errorf("error message: %q", fs[0].Message)
	}
}

func TestLookup(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "bin", "tflint")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, ok := Lookup(dir); !ok || got != p {
		t.Errorf("Lookup = %q %v", got, ok)
	}
}
