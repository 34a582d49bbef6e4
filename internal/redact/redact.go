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

// MinLen is the shortest value redacted: shorter ones ("1", "true", "443") would mask
// unrelated text everywhere and are no secret worth the name.
const MinLen = 4

// Set is a set of secret values; safe for concurrent use. The zero value is empty.
type Set struct {
	mu   sync.RWMutex
	vals []string // longest first, so a secret containing another is masked whole
	seen map[string]bool
}

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
			if len(f) < MinLen || s.seen[f] {
				continue
			}
			s.seen[f] = true
			s.vals = append(s.vals, f)
		}
	}
	sort.Slice(s.vals, func(i, j int) bool { return len(s.vals[i]) > len(s.vals[j]) })
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

// Len is the number of forms held.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.vals)
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
	return str
}

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

// JSON masks secrets inside a JSON document's values: a string holding one has it
// replaced, a number equal to one becomes the Mask string. Keys and structure stay.
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
	exact := map[string]bool{}
	for _, v := range s.vals {
		exact[v] = true
	}
	s.mu.RUnlock()
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			return s.String(x)
		case json.Number:
			if exact[x.String()] {
				return Mask
			}
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		}
		return v
	}
	doc = walk(doc)
	return json.MarshalIndent(doc, "", "  ")
}
