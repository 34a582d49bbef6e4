package schema

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A lazily read schema decodes every type to exactly what Read gives.
func TestLazyEqualsRead(t *testing.T) {
	s := &Schema{Format: FormatVersion, Provider: "aws", ProviderConfig: &Block{Attributes: map[string]*Attribute{"region": {Type: "string", Optional: true}}},
		Resources: map[string]*Block{
			"aws_x": {
				Attributes: map[string]*Attribute{"id": {Type: "string", Computed: true}},
				Blocks: map[string]*NestedBlock{"statement": {Nesting: "list", Block: Block{
					Blocks: map[string]*NestedBlock{"and": {Nesting: "list", Recursive: 1}},
				}}},
			},
		},
		DataSources: map[string]*Block{"aws_y": {Attributes: map[string]*Attribute{"name": {Type: "string", Required: true}}}},
	}
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	full, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	l, err := ReadLazy(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if l.Provider != "aws" || !reflect.DeepEqual(l.ProviderConfig, full.ProviderConfig) {
		t.Errorf("provider = %q %+v", l.Provider, l.ProviderConfig)
	}
	for name, want := range full.Resources {
		got, err := DecodeBlock(l.Resources[name])
		if err != nil {
			t.Fatal(err)
		}
		inner := got.Blocks["statement"].Body()
		if inner.Blocks["and"].Body() != inner {
			t.Errorf("%s: the recursive block is not linked to its enclosing block", name)
		}
		if !reflect.DeepEqual(got.Attributes, want.Attributes) {
			t.Errorf("%s: attributes differ", name)
		}
	}
	if _, err := DecodeBlock(l.DataSources["aws_y"]); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeBlock([]byte(`{"blocks":{"b":{"nesting":"list","recursive":3}}}`)); err == nil {
		t.Error("a recursive reference above the top block decoded without error")
	}
	if _, err := ReadLazy(bytes.NewReader([]byte("not gzip"))); err == nil {
		t.Error("ReadLazy read a file that is not gzip")
	}
}

// Both readers refuse a file of another format version, one without resources, and
// a missing file, with the same messages.
func TestReadersRefuseBadFiles(t *testing.T) {
	write := func(s *Schema) []byte {
		var buf bytes.Buffer
		if err := s.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	res := map[string]*Block{"aws_x": {}}
	for name, c := range map[string]struct {
		file []byte
		want string
	}{
		"old format":   {write(&Schema{Format: FormatVersion - 1, Provider: "aws", Resources: res}), "rebuild it with `make tools`"},
		"no resources": {write(&Schema{Format: FormatVersion, Provider: "aws"}), "holds no resources"},
		"no provider":  {write(&Schema{Format: FormatVersion, Resources: res}), "holds no resources"},
	} {
		_, err := Read(bytes.NewReader(c.file))
		_, lerr := ReadLazy(bytes.NewReader(c.file))
		for _, e := range []error{err, lerr} {
			if e == nil || !strings.Contains(e.Error(), c.want) {
				t.Errorf("%s: %v, want an error with %q", name, e, c.want)
			}
		}
	}
	missing := filepath.Join(t.TempDir(), "none.json.gz")
	_, err := Load(missing)
	_, lerr := LoadLazy(missing)
	for _, e := range []error{err, lerr} {
		if e == nil || !strings.Contains(e.Error(), "run `make tools` to build it") {
			t.Errorf("missing file: %v", e)
		}
	}
}
