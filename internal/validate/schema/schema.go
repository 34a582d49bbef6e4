// Package schema checks the resource, data and ephemeral blocks of OpenTofu modules
// against the AWS provider's schema, offline: unknown arguments, unknown nested blocks,
// missing required arguments and blocks, a block written as an argument or the
// reverse, computed-only attributes that are set. It is the part of `tofu validate`
// that needs the provider binary, which cannot be had here.
//
// The schema is a compact file ($OLECHKA_CACHE/aws-schema.json.gz) made by
// scripts/tools/30-aws-schema.sh from the npm package @cdktn/provider-aws (see
// package extract). Load reads it; (*Schema).CheckDir checks one module folder.
package schema

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// FileName is the schema file's name in the tool cache.
const FileName = "aws-schema.json.gz"

// FormatVersion is bumped whenever the file's shape changes, so stale files are rebuilt.
const FormatVersion = 2

// Schema is one provider's schema: its resources, data sources and ephemeral
// resources by type name (aws_instance), and the provider block's own arguments.
type Schema struct {
	Format          int               `json:"format"`
	Source          string            `json:"source"`           // the npm package it was extracted from, e.g. @cdktn/provider-aws@25.7.0
	Provider        string            `json:"provider"`         // local name and type prefix: aws
	ProviderVersion string            `json:"provider_version"` // hashicorp/aws version the bindings were generated from
	ProviderConfig  *Block            `json:"provider_config,omitempty"`
	Resources       map[string]*Block `json:"resources"`
	DataSources     map[string]*Block `json:"data_sources"`
	Ephemeral       map[string]*Block `json:"ephemeral_resources,omitempty"`
}

// Block is the body of a resource, data source or nested block.
type Block struct {
	Attributes map[string]*Attribute   `json:"attributes,omitempty"`
	Blocks     map[string]*NestedBlock `json:"blocks,omitempty"`
}

// Attribute is one argument or exported attribute.
type Attribute struct {
	// Type is the value type: string, number, bool, any, list(string), set(string),
	// map(string)... For object-typed attributes it names the collection
	// (list(object), set(object), map(object), object) and Nested holds the object.
	// Computed-only attributes take theirs from the bindings' getters; empty only
	// where the bindings say nothing.
	Type     string `json:"type,omitempty"`
	Required bool   `json:"required,omitempty"`
	Optional bool   `json:"optional,omitempty"`
	Computed bool   `json:"computed,omitempty"`
	// Sensitive marks values OpenTofu redacts (from the attribute's name: the
	// bindings do not carry the flag; see package extract). WriteOnly marks
	// arguments the provider never stores (the bindings' `*_wo` write-only markers).
	Sensitive bool `json:"sensitive,omitempty"`
	WriteOnly bool `json:"write_only,omitempty"`
	// Nesting and Nested describe object-typed attributes (nested attributes):
	// Nesting is single, list, set or map; Nested is the object's schema.
	Nesting string `json:"nesting,omitempty"`
	Nested  *Block `json:"nested,omitempty"`
	// BlockSyntax marks object-list attributes that may also be written as blocks
	// (the SDKv2 "attributes as blocks" mode of aws_security_group's ingress, etc.).
	BlockSyntax bool `json:"block_syntax,omitempty"`
	// Recursive > 0 marks a recursive object: its schema is that of an enclosing
	// block, 1 = the block holding this attribute, 2 = that block's parent...
	Recursive int `json:"recursive,omitempty"`
	ref       *Block
}

// ComputedOnly reports whether the attribute is set by the provider and cannot be configured.
func (a *Attribute) ComputedOnly() bool { return a.Computed && !a.Optional && !a.Required }

// Object returns the schema of an object-typed attribute (nil for primitive ones).
func (a *Attribute) Object() *Block {
	if a.ref != nil {
		return a.ref
	}
	return a.Nested
}

// NestedBlock is a block type nested in another block.
type NestedBlock struct {
	Nesting  string `json:"nesting"`             // single, list or set
	MinItems int    `json:"min_items,omitempty"` // 1 when the block is required
	MaxItems int    `json:"max_items,omitempty"` // 1 for single blocks and lists limited to one; 0 = no limit
	// Recursive > 0 marks a recursive block (wafv2 statements): its body is that of
	// an enclosing block, 1 = the block holding it, 2 = that block's parent...
	Recursive int `json:"recursive,omitempty"`
	Block
	ref *Block
}

// Body returns the block's schema, following a recursive reference.
func (nb *NestedBlock) Body() *Block {
	if nb.ref != nil {
		return nb.ref
	}
	return &nb.Block
}

// Load reads a schema file written by Save (gzip-compressed JSON).
func Load(path string) (*Schema, error) { return loadFile(path, Read) }

// Read decodes a gzip-compressed schema.
func Read(r io.Reader) (*Schema, error) {
	var s Schema
	if err := decodeFile(r, &s); err != nil {
		return nil, err
	}
	if err := checkHeader(s.Format, s.Provider, len(s.Resources)); err != nil {
		return nil, err
	}
	if err := s.link(); err != nil {
		return nil, err
	}
	return &s, nil
}

// loadFile opens a schema file and reads it with read (Read or ReadLazy).
func loadFile[T any](path string, read func(io.Reader) (*T, error)) (*T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load provider schema: %w (run `make tools` to build it)", err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("load provider schema %s: %w", path, err)
	}
	return v, nil
}

// decodeFile decodes a schema file's gzip-compressed JSON into v.
func decodeFile(r io.Reader, v any) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	defer zr.Close()
	if err := json.NewDecoder(zr).Decode(v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// checkHeader refuses a schema file of another format version, or one without resources.
func checkHeader(format int, provider string, resources int) error {
	if format != FormatVersion {
		return fmt.Errorf("schema format %d, want %d (rebuild it with `make tools`)", format, FormatVersion)
	}
	if provider == "" || resources == 0 {
		return fmt.Errorf("schema holds no resources")
	}
	return nil
}

// link resolves recursive references to the enclosing blocks they name.
func (s *Schema) link() error {
	all := []map[string]*Block{s.Resources, s.DataSources, s.Ephemeral}
	if s.ProviderConfig != nil {
		all = append(all, map[string]*Block{"provider": s.ProviderConfig})
	}
	for _, m := range all {
		for name, b := range m {
			if err := linkBlock(b); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

// linkBlock resolves the recursive references inside one top-level block.
func linkBlock(top *Block) error {
	var walk func(b *Block, stack []*Block) error
	up := func(r int, stack []*Block) (*Block, error) {
		if r > len(stack) {
			return nil, fmt.Errorf("recursive reference %d levels up, only %d enclosing blocks", r, len(stack))
		}
		return stack[len(stack)-r], nil
	}
	walk = func(b *Block, stack []*Block) error {
		stack = append(stack, b)
		for _, a := range b.Attributes {
			if a.Recursive > 0 {
				ref, err := up(a.Recursive, stack)
				if err != nil {
					return err
				}
				a.ref = ref
			} else if a.Nested != nil {
				if err := walk(a.Nested, stack); err != nil {
					return err
				}
			}
		}
		for _, nb := range b.Blocks {
			if nb.Recursive > 0 {
				ref, err := up(nb.Recursive, stack)
				if err != nil {
					return err
				}
				nb.ref = ref
			} else if err := walk(&nb.Block, stack); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(top, nil)
}

// Write encodes the schema gzip-compressed.
func (s *Schema) Write(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(zw).Encode(s); err != nil {
		return err
	}
	return zw.Close()
}

// Save writes the schema to path atomically (a temporary file renamed into place).
func (s *Schema) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".schema-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := s.Write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Lookup returns the schema of a resource ("resource"), data source ("data") or
// ephemeral resource ("ephemeral") type.
func (s *Schema) Lookup(kind, typ string) (*Block, bool) {
	var m map[string]*Block
	switch kind {
	case "resource":
		m = s.Resources
	case "data":
		m = s.DataSources
	case "ephemeral":
		m = s.Ephemeral
	}
	b, ok := m[typ]
	return b, ok
}

// Owns reports whether a type name belongs to this provider (aws_... for aws).
func (s *Schema) Owns(typ string) bool {
	return strings.HasPrefix(typ, s.Provider+"_")
}
