package redact

import (
	"bytes"
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
