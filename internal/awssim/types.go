package awssim

import (
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
	"golang.org/x/sync/errgroup"
)

// typeSet is one kind of type (resources, data sources, ephemeral resources) whose
// protocol schemas are built on first use: a provider process that plans a handful of
// types never converts the other thousands. Blocks come decoded (New) or as raw JSON
// from a lazily read schema file (Load). Safe for concurrent use.
type typeSet struct {
	kind   string
	blocks map[string]*schema.Block
	raw    map[string]json.RawMessage

	mu    sync.Mutex
	built map[string]*typeSchema
}

func newTypeSet(kind string, blocks map[string]*schema.Block, raw map[string]json.RawMessage) *typeSet {
	return &typeSet{kind: kind, blocks: blocks, raw: raw, built: map[string]*typeSchema{}}
}

// names returns the type names, sorted.
func (s *typeSet) names() []string {
	if s.raw != nil {
		return slices.Sorted(maps.Keys(s.raw))
	}
	return slices.Sorted(maps.Keys(s.blocks))
}

func (s *typeSet) has(name string) bool {
	if s.raw != nil {
		_, ok := s.raw[name]
		return ok
	}
	_, ok := s.blocks[name]
	return ok
}

// lookup returns a type's schema, building it on first use; (nil, nil) when the set
// has no such type.
func (s *typeSet) lookup(name string) (*typeSchema, error) {
	s.mu.Lock()
	ts, ok := s.built[name]
	s.mu.Unlock()
	if ok {
		return ts, nil
	}
	if !s.has(name) {
		return nil, nil
	}
	b := s.blocks[name]
	if s.raw != nil {
		var err error
		if b, err = schema.DecodeBlock(s.raw[name]); err != nil {
			return nil, fmt.Errorf("%s %s: decode schema: %w", s.kind, name, err)
		}
	}
	ts, err := newTypeSchema(name, b)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.built[name]; ok {
		return prev, nil // built concurrently: keep one
	}
	s.built[name] = ts
	return ts, nil
}

// get is lookup for callers that know the type exists (nil when it does not).
func (s *typeSet) get(name string) *typeSchema {
	ts, _ := s.lookup(name)
	return ts
}

// all builds every type (GetProviderSchema), spread over the machine's cores.
func (s *typeSet) all() (map[string]*typeSchema, error) {
	names := s.names()
	out := make(map[string]*typeSchema, len(names))
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, n := range names {
		g.Go(func() error {
			ts, err := s.lookup(n)
			if ts != nil {
				mu.Lock()
				out[n] = ts
				mu.Unlock()
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
