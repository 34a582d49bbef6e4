// Package redact keeps secret values out of what olechka writes: logs, plan text, plan
// JSON, summaries, comments. A Set holds the values a unit must never show in clear
// (the values of its dependencies' sensitive outputs, which reach it as plain inputs,
// and every sensitive value of its own plan) and replaces each occurrence with Mask.
package redact

import (
	"bytes"
	"encoding/json"
	"io"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret value (the text OpenTofu itself prints for one).
const Mask = "(sensitive value)"

// MinLen is the shortest value masked wherever it appears in free text (logs, the
// readable plan, error messages). A shorter value ("1", "on", "443") would mask unrelated
// text everywhere (counts, ports, words) and is no secret worth the name (a few hundred
// thousand guesses at most), so it is masked only where it is unambiguous:
//
//   - in free text, as a whole quoted token: "ab" (and \"ab\" inside JSON text), the way
//     OpenTofu quotes a string value in the readable plan and in error messages;
//   - in structured fields (Set.JSON: plan JSON, summaries built from it), a string or
//     number exactly equal to it.
//
// A short number in free text (port = 42) stays in clear: docs/security.md.
const MinLen = 4

// Set is a set of secret values; safe for concurrent use. The zero value is empty.
type Set struct {
	mu   sync.RWMutex
	vals []string // longest first, so a secret containing another is masked whole
	// quoted are the quoted forms of values shorter than MinLen, with their mask.
	quoted []replacement
	// exact are every value and form held, for whole-value matches in structured fields.
	exact map[string]bool
	seen  map[string]bool
}

type replacement struct{ find, repl string }

// Add adds values (and the forms they take inside JSON and OpenTofu's quoted strings).
func (s *Set) Add(vals ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, v := range vals {
		forms := []string{v}
		if b, err := json.Marshal(v); err == nil {
			forms = append(forms, string(b[1:len(b)-1]))
		}
		for _, f := range forms {
			if f == "" || s.seen[f] {
				continue
			}
			s.seen[f] = true
			if s.exact == nil {
				s.exact = map[string]bool{}
			}
			s.exact[f] = true
			if len(f) >= MinLen {
				s.vals = append(s.vals, f)
				continue
			}
			// Quoted, as in OpenTofu's output, and quoted inside JSON text.
			for _, q := range []string{`"`, `\"`} {
				s.quoted = append(s.quoted, replacement{q + f + q, q + Mask + q})
			}
		}
	}
	sort.Slice(s.vals, func(i, j int) bool { return len(s.vals[i]) > len(s.vals[j]) })
	sort.SliceStable(s.quoted, func(i, j int) bool { return len(s.quoted[i].find) > len(s.quoted[j].find) })
}

// AddJSON adds every string leaf of a JSON value, and numbers as written.
func (s *Set) AddJSON(raw []byte) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return
	}
	s.Add(Leaves(v)...)
}

// Leaves returns the string and number leaves of a decoded JSON value.
func Leaves(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// Len is the number of values and forms held (short ones included).
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.exact)
}

// Bytes returns b with every secret masked (b itself when there is none).
func (s *Set) Bytes(b []byte) []byte {
	if s == nil {
		return b
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.vals {
		if bytes.Contains(b, []byte(v)) {
			b = bytes.ReplaceAll(b, []byte(v), []byte(Mask))
		}
	}
	for _, r := range s.quoted {
		if bytes.Contains(b, []byte(r.find)) {
			b = bytes.ReplaceAll(b, []byte(r.find), []byte(r.repl))
		}
	}
	return b
}

// String returns str with every secret masked.
func (s *Set) String(str string) string {
	if s == nil {
		return str
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.vals {
		str = strings.ReplaceAll(str, v, Mask)
	}
	for _, r := range s.quoted {
		str = strings.ReplaceAll(str, r.find, r.repl)
	}
	return str
}

// Err returns err with its message masked (err itself when nothing is masked or err is
// nil). errors.Is and errors.As still see err; its message is never shown.
func (s *Set) Err(err error) error {
	if err == nil || s.Len() == 0 {
		return err
	}
	msg := err.Error()
	masked := s.String(msg)
	if masked == msg {
		return err
	}
	return &maskedError{msg: masked, err: err}
}

type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// Writer masks what passes through it, a line at a time (a secret split across two
// writes is still masked); Flush writes out an unfinished last line.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	set *Set
	buf []byte
}

// NewWriter returns a Writer masking set's values (read at each line) on their way to w.
func NewWriter(w io.Writer, set *Set) *Writer { return &Writer{w: w, set: set} }

func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	i := bytes.LastIndexByte(w.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	if _, err := w.w.Write(w.set.Bytes(append([]byte(nil), w.buf[:i+1]...))); err != nil {
		return 0, err
	}
	w.buf = append(w.buf[:0], w.buf[i+1:]...)
	return len(p), nil
}

// Flush writes what is buffered (an unfinished line).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.set.Bytes(w.buf))
	w.buf = w.buf[:0]
	return err
}

// JSON masks secrets inside a JSON document's values (plan JSON): a string holding a
// value of MinLen or more has it replaced, and a number equal to one becomes the Mask
// string, anywhere. Under the keys that hold values (value, values, before, after,
// constant_value) a string or number exactly equal to any held value, short ones
// included, becomes the Mask; elsewhere (format_version, name, index, schema_version...)
// a short value is left alone, so the document's structure keeps its meaning. Keys stay.
func (s *Set) JSON(b []byte) ([]byte, error) {
	if s.Len() == 0 {
		return b, nil
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	s.mu.RLock()
	exact := make(map[string]bool, len(s.exact))
	for v := range s.exact {
		exact[v] = true
	}
	s.mu.RUnlock()
	var walk func(v any, inValue bool) any
	walk = func(v any, inValue bool) any {
		switch x := v.(type) {
		case string:
			if inValue && exact[x] {
				return Mask
			}
			return s.String(x)
		case json.Number:
			if exact[x.String()] && (inValue || len(x.String()) >= MinLen) {
				return Mask
			}
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e, inValue || isValueKey(k))
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e, inValue)
			}
		}
		return v
	}
	doc = walk(doc, false)
	return json.MarshalIndent(doc, "", "  ")
}

// isValueKey tells whether a plan JSON key's subtree is a value (tofu show -json).
func isValueKey(k string) bool {
	switch k {
	case "value", "values", "before", "after", "constant_value":
		return true
	}
	return false
}
