// Package extract derives a provider schema from the npm package of CDK Terrain's
// prebuilt provider bindings (@cdktn/provider-aws), which carry the schema as data:
//
//   - each resource, data source and ephemeral resource is a class in lib/<name>/index.js
//     with `static tfResourceType = "aws_..."`;
//   - every attribute has a comment `// name - computed: X, optional: Y, required: Z`
//     in the class that exposes it (the top-level class, or <Struct>OutputReference for
//     a nested block);
//   - synthesizeHclAttributes() and the <struct>ToHclTerraform functions list every
//     configurable argument with `isBlock`, `type` and the function that renders a
//     nested block, so the nesting can be followed recursively. Large resources split
//     their struct functions over lib/<name>/index-structs/*.js.
//
// The package is read straight from the .tgz that `npm pack` leaves, without unpacking.
package extract

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// Stats counts what the extraction found and what it could not link, for the log.
type Stats struct {
	Files            int // .js files read
	Resources        int
	DataSources      int
	Ephemeral        int
	Functions        int // <struct>ToHclTerraform functions
	MissingFunctions int // nested blocks whose rendering function was not found
	MissingComments  int // argument entries without a computed/optional/required comment
	Recursive        int // nested blocks that refer back to an enclosing block
	Untyped          int // computed-only attributes whose getter gave no type
	WriteOnly        int // write-only arguments
}

// FromTarball reads an npm package tarball (.tgz) and returns the provider schema.
// source names the package (e.g. "@cdktn/provider-aws@25.7.0").
func FromTarball(r io.Reader, source string) (*schema.Schema, Stats, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("read package: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	p := newParser()
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, Stats{}, fmt.Errorf("read package: %w", err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".js") {
			continue
		}
		dir, ok := unitDir(h.Name)
		if !ok {
			continue
		}
		if err := p.parseFile(dir, h.Name, tr); err != nil {
			return nil, Stats{}, err
		}
	}
	return p.build(source)
}

// FromFiles parses already-read files (name -> content); names are package paths such
// as package/lib/instance/index.js. Tests use it on small fixtures.
func FromFiles(files map[string]string, source string) (*schema.Schema, Stats, error) {
	p := newParser()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		dir, ok := unitDir(n)
		if !ok {
			continue
		}
		if err := p.parseFile(dir, n, strings.NewReader(files[n])); err != nil {
			return nil, Stats{}, err
		}
	}
	return p.build(source)
}

// unitDir maps package/lib/<dir>/...js to <dir>; files directly in lib/ are skipped.
func unitDir(name string) (string, bool) {
	name = strings.TrimPrefix(path.Clean(name), "package/")
	parts := strings.Split(name, "/")
	if len(parts) < 3 || parts[0] != "lib" {
		return "", false
	}
	if parts[1] == "provider-functions" {
		return "", false
	}
	return parts[1], true
}

type flags struct{ computed, optional, required bool }

type entry struct {
	name    string
	value   string
	isBlock bool
	typ     string // simple, list, set, map, struct
	storage string // string, stringList, <Struct>List...
}

type topClass struct {
	class   string
	kind    string // TerraformResource, TerraformDataSource, TerraformEphemeralResource, TerraformProvider
	tfType  string
	entries []entry
	file    string
}

// dirFacts is what one lib/<dir> holds: struct functions, attribute comments per class,
// and the top-level classes.
type dirFacts struct {
	fns       map[string][]entry           // struct function name without ToHclTerraform
	comments  map[string]map[string]flags  // class -> attribute -> flags
	getters   map[string]map[string]getter // class -> attribute -> what its getter returns
	writeOnly map[string]map[string]bool   // class -> write-only attributes
	tops      []*topClass
}

// getter is what the getter of an attribute returns: a primitive or collection type
// (typ), or an object (nesting single, list, set or map) exposed by class.
type getter struct {
	typ     string
	nesting string
	class   string
}

type parser struct {
	dirs            map[string]*dirFacts
	stats           Stats
	providerVersion string // from terraformGeneratorMetadata
}

func newParser() *parser { return &parser{dirs: map[string]*dirFacts{}} }

func (p *parser) build(source string) (*schema.Schema, Stats, error) {
	s := &schema.Schema{
		Format:      schema.FormatVersion,
		Source:      source,
		Provider:    "aws",
		Resources:   map[string]*schema.Block{},
		DataSources: map[string]*schema.Block{},
		Ephemeral:   map[string]*schema.Block{},
	}
	dirs := make([]string, 0, len(p.dirs))
	for d := range p.dirs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dn := range dirs {
		d := p.dirs[dn]
		for _, t := range d.tops {
			if t.tfType == "" {
				return nil, p.stats, fmt.Errorf("%s: class %s has no tfResourceType", t.file, t.class)
			}
			before := p.stats.MissingComments
			b := p.block(d, t.entries, t.class, []string{""})
			if t.kind == "TerraformProvider" {
				// the provider block's nested blocks are plain structs without comments
				p.stats.MissingComments = before
			}
			switch t.kind {
			case "TerraformResource":
				s.Resources[t.tfType] = b
				p.stats.Resources++
			case "TerraformDataSource":
				s.DataSources[t.tfType] = b
				p.stats.DataSources++
			case "TerraformEphemeralResource":
				s.Ephemeral[t.tfType] = b
				p.stats.Ephemeral++
			case "TerraformProvider":
				s.ProviderConfig = b
				s.Provider = t.tfType
			}
		}
	}
	if len(s.Resources) == 0 {
		return nil, p.stats, fmt.Errorf("no resources found in the package (is it a CDK Terrain provider package?)")
	}
	s.ProviderVersion = p.providerVersion
	overlay(s)
	return s, p.stats, nil
}
