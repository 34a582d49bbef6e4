// Package ghactions writes what a GitHub Actions step hands on: step outputs
// ($GITHUB_OUTPUT) and the step summary ($GITHUB_STEP_SUMMARY).
package ghactions

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
)

// Output is one step output for $GITHUB_OUTPUT.
type Output struct{ Name, Value string }

// WriteOutput appends outputs to the file GitHub Actions names in GITHUB_OUTPUT,
// using a random heredoc delimiter so no value can end its block early.
func WriteOutput(path string, outs ...Output) error {
	if path == "" {
		return fmt.Errorf("GITHUB_OUTPUT is not set: --format github runs inside a GitHub Actions step")
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("opening GITHUB_OUTPUT: %w", err)
	}
	var b strings.Builder
	for _, o := range outs {
		if !strings.ContainsAny(o.Value, "\r\n") {
			fmt.Fprintf(&b, "%s=%s\n", o.Name, o.Value)
			continue
		}
		delim := randomDelimiter()
		for strings.Contains(o.Value, delim) {
			delim = randomDelimiter()
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("writing GITHUB_OUTPUT: %w", err)
	}
	return f.Close()
}

// AppendStepSummary appends markdown to $GITHUB_STEP_SUMMARY (GitHub shows at most
// 1 MiB per step; longer text is cut with a note).
func AppendStepSummary(path, markdown string) error {
	if path == "" {
		return nil
	}
	const limit = 1 << 20
	if len(markdown) > limit-200 {
		markdown = markdown[:limit-200] + "\n\n_(cut: the step summary holds at most 1 MiB)_\n"
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("opening GITHUB_STEP_SUMMARY: %w", err)
	}
	if _, err := f.WriteString(markdown + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("writing GITHUB_STEP_SUMMARY: %w", err)
	}
	return f.Close()
}

func randomDelimiter() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "OLECHKA_" + hex.EncodeToString(b[:])
}
