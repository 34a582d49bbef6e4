// Package tflint runs tflint (with its bundled terraform ruleset) on a module folder
// and turns its JSON report into findings. scripts/tools/40-tflint.sh installs
// tflint v0.64.0 into the tool cache.
package tflint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// RuleError is the rule of findings made from tflint's own errors (a file that does
// not parse, an undefined variable...), as opposed to rule issues.
const RuleError = "tflint/error"

// Lookup returns the tflint binary: <cacheDir>/bin/tflint first, then $PATH.
func Lookup(cacheDir string) (string, bool) {
	if cacheDir != "" {
		p := filepath.Join(cacheDir, "bin", "tflint")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, true
		}
	}
	if p, err := exec.LookPath("tflint"); err == nil {
		return p, true
	}
	return "", false
}

// report is tflint's --format json output.
type report struct {
	Issues []struct {
		Rule struct {
			Name     string `json:"name"`
			Severity string `json:"severity"`
			Link     string `json:"link"`
		} `json:"rule"`
		Message string `json:"message"`
		Range   rng    `json:"range"`
		Callers []rng  `json:"callers"`
	} `json:"issues"`
	Errors []struct {
		Summary  string `json:"summary"`
		Message  string `json:"message"`
		Severity string `json:"severity"`
		Range    *rng   `json:"range"`
	} `json:"errors"`
}

type rng struct {
	Filename string `json:"filename"`
	Start    struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	} `json:"start"`
}

// Run runs `tflint --format json` in dir (a module folder; a .tflint.hcl there is
// used) and maps its issues and errors to findings of the lint check. Files are
// named as dir joined with tflint's path (absolute when dir is). A module that does
// not parse gives findings, not an error; an error means tflint itself could not run.
func Run(ctx context.Context, bin, dir string) ([]finding.Finding, error) {
	if bin == "" {
		return nil, errors.New("tflint: no binary (run `make tools`)")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("tflint: %s is not a folder", dir)
	}
	// tflint runs in dir: a relative path to the binary must not be resolved from there
	if strings.ContainsRune(bin, os.PathSeparator) && !filepath.IsAbs(bin) {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return nil, fmt.Errorf("tflint: %w", err)
		}
		bin = abs
	}
	cmd := exec.CommandContext(ctx, bin, "--format=json", "--no-color")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// exit status: 0 no issues, 2 issues found, 1 errors (reported in the JSON too)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, fmt.Errorf("tflint: %w", err)
	}
	var rep report
	if jerr := json.Unmarshal(stdout.Bytes(), &rep); jerr != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}
		if err != nil {
			return nil, fmt.Errorf("tflint in %s: %v: %s", dir, err, msg)
		}
		return nil, fmt.Errorf("tflint in %s: unreadable output: %v: %s", dir, jerr, msg)
	}
	return mapReport(rep, dir), nil
}

// mapReport turns a parsed report into findings, files under dir.
func mapReport(rep report, dir string) []finding.Finding {
	var out []finding.Finding
	path := func(r rng) string {
		if r.Filename == "" {
			return ""
		}
		p := filepath.FromSlash(r.Filename)
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return filepath.ToSlash(p)
	}
	for _, is := range rep.Issues {
		msg := is.Message
		if len(is.Callers) > 0 {
			c := is.Callers[0]
			msg += fmt.Sprintf(" (called from %s:%d)", path(c), c.Start.Line)
		}
		out = append(out, finding.Finding{
			Check: "lint", Rule: is.Rule.Name, Level: level(is.Rule.Severity), Message: msg,
			File: path(is.Range), Line: is.Range.Start.Line, Column: is.Range.Start.Column,
		})
	}
	for _, e := range rep.Errors {
		msg := e.Summary
		if e.Message != "" && e.Message != e.Summary {
			if msg != "" {
				msg += ": "
			}
			msg += e.Message
		}
		f := finding.Finding{Check: "lint", Rule: RuleError, Level: level(e.Severity), Message: msg}
		if e.Range != nil {
			f.File, f.Line, f.Column = path(*e.Range), e.Range.Start.Line, e.Range.Start.Column
		}
		out = append(out, f)
	}
	finding.Sort(out)
	return out
}

func level(sev string) finding.Level {
	switch strings.ToLower(sev) {
	case "error":
		return finding.Error
	case "warning":
		return finding.Warning
	case "notice", "info":
		return finding.Note
	}
	return finding.Error
}
