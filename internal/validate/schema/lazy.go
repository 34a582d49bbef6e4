package schema

import (
	"encoding/json"
	"fmt"
	"io"
)

// Lazy is a schema file read without decoding its types: each resource, data source
// and ephemeral resource stays raw JSON until DecodeBlock is asked for it. A process
// that needs a few types (the AWS simulator answering a plan) starts in a fraction of
// the time a full Load takes.
type Lazy struct {
	Format          int                        `json:"format"`
	Source          string                     `json:"source"`
	Provider        string                     `json:"provider"`
	ProviderVersion string                     `json:"provider_version"`
	ProviderConfig  *Block                     `json:"provider_config,omitempty"`
	Resources       map[string]json.RawMessage `json:"resources"`
	DataSources     map[string]json.RawMessage `json:"data_sources"`
	Ephemeral       map[string]json.RawMessage `json:"ephemeral_resources,omitempty"`
}

// LoadLazy reads a schema file written by Save, leaving its types undecoded.
func LoadLazy(path string) (*Lazy, error) { return loadFile(path, ReadLazy) }

// ReadLazy decodes a gzip-compressed schema, leaving its types undecoded.
func ReadLazy(r io.Reader) (*Lazy, error) {
	var l Lazy
	if err := decodeFile(r, &l); err != nil {
		return nil, err
	}
	if err := checkHeader(l.Format, l.Provider, len(l.Resources)); err != nil {
		return nil, err
	}
	if l.ProviderConfig != nil {
		if err := linkBlock(l.ProviderConfig); err != nil {
			return nil, fmt.Errorf("provider: %w", err)
		}
	}
	return &l, nil
}

// DecodeBlock decodes one type's raw schema (from a Lazy) and resolves its recursive
// references, as Load does for every type.
func DecodeBlock(raw json.RawMessage) (*Block, error) {
	var b Block
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, err
	}
	if err := linkBlock(&b); err != nil {
		return nil, err
	}
	return &b, nil
}
