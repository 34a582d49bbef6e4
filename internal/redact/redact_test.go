package redact

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSet(t *testing.T) {
	var s Set
	s.Add("hunter2-secret", "abc", `pa"ss\word`)
	s.AddJSON([]byte(`{"user":"admin-user","port":5432,"tags":["t0ken-value"],"on":true}`))
	in := `password = "hunter2-secret"; json {"p":"pa\"ss\\word"}; raw pa"ss\word; admin-user:5432 t0ken-value abc true`
	got := s.String(in)
	for _, leak := range []string{"hunter2", `pa\"ss`, `pa"ss`, "admin-user", "5432", "t0ken"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q left in %q", leak, got)
		}
	}
	if !strings.Contains(got, "abc true") {
		t.Errorf("short values were masked: %q", got)
	}
	if string(s.Bytes([]byte(in))) != got {
		t.Error("Bytes and String differ")
	}
	var nilSet *Set
	if nilSet.String("x") != "x" || nilSet.Len() != 0 {
		t.Error("nil set")
	}
}

// TestWriterSplitSecret: a secret split across writes (pipe reads cut anywhere) is masked.
func TestWriterSplitSecret(t *testing.T) {
	var s Set
	s.Add("hunter2-secret")
	var out bytes.Buffer
	w := NewWriter(&out, &s)
	for _, chunk := range []string{"line one\nvalue = \"hunt", "er2-sec", "ret\"\nlast hunter2-", "secret"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "line one\nvalue = \"(sensitive value)\"\nlast (sensitive value)"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestShortValues: a value shorter than MinLen is masked only where it is unambiguous:
// quoted in free text, exactly equal in a plan JSON value; counts, ports and words that
// merely contain it stay.
func TestShortValues(t *testing.T) {
	var s Set
	s.Add("x7", "42")
	text := `Error: Invalid value for "v" parameter: cannot convert "x7" to number.
Plan: 1 to add, 0 to change; port 42; 42 instances; tax7 "ax7" json {"p":"{\"k\":\"x7\"}"}`
	got := s.String(text)
	want := `Error: Invalid value for "v" parameter: cannot convert "(sensitive value)" to number.
Plan: 1 to add, 0 to change; port 42; 42 instances; tax7 "ax7" json {"p":"{\"k\":\"(sensitive value)\"}"}`
	if got != want {
		t.Errorf("free text:\n got %s\nwant %s", got, want)
	}
	doc := `{"format_version":"1.2","resource_changes":[{"name":"x7","index":42,"change":{"before":null,"after":{"input":"x7","n":42,"other":"x70"}}}],` +
		`"variables":{"token":{"value":"x7"}}}`
	b, err := s.JSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, want := range []string{`"input": "(sensitive value)"`, `"n": "(sensitive value)"`, `"other": "x70"`,
		`"value": "(sensitive value)"`, `"name": "x7"`, `"index": 42`, `"format_version": "1.2"`} {
		if !strings.Contains(out, want) {
			t.Errorf("plan JSON: want %s in\n%s", want, out)
		}
	}
	if s.Len() != 2 {
		t.Errorf("Len = %d, want 2", s.Len())
	}
}

// TestErr: an error quoting a secret is masked, and still unwraps to the original.
func TestErr(t *testing.T) {
	var s Set
	s.Add("hunter2-secret", "ab")
	base := errors.New(`exit 1: cannot use "ab" with hunter2-secret`)
	err := fmt.Errorf("plan: %w", base)
	masked := s.Err(err)
	if got, want := masked.Error(), `plan: exit 1: cannot use "(sensitive value)" with (sensitive value)`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(masked, base) {
		t.Error("errors.Is lost the original")
	}
	plain := errors.New("nothing secret")
	if s.Err(plain) != plain || s.Err(nil) != nil {
		t.Error("an error with no secret should come back as it is")
	}
	var empty Set
	if empty.Err(err) != err {
		t.Error("an empty set should not wrap")
	}
}
