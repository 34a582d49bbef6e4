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
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"regexp"
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

var (
	reClass   = regexp.MustCompile(`^class (\w+) extends cdktn\.(\w+) \{`)
	reFunc    = regexp.MustCompile(`^function (\w+)ToHclTerraform\(struct\) \{`)
	reAnyFunc = regexp.MustCompile(`^function \w+`)
	reTfType  = regexp.MustCompile(`^\s+static tfResourceType = "([^"]+)";`)
	reComment = regexp.MustCompile(`^\s+// (\S+) - computed: (true|false), optional: (true|false), required: (true|false)$`)
	reEntry   = regexp.MustCompile(`^\s+(\w+): \{$`)
	reValue   = regexp.MustCompile(`^\s+value: (.*)$`)
	reIsBlock = regexp.MustCompile(`^\s+isBlock: (true|false),`)
	reType    = regexp.MustCompile(`^\s+type: "(\w+)",`)
	reStorage = regexp.MustCompile(`^\s+storageClassType: "(\w+)",`)
	reCallee  = regexp.MustCompile(`(?:^|[^\w.])(?:\w+\.)?(\w+)ToHclTerraform\b`)
	reVersion = regexp.MustCompile(`^\s+providerVersion: '([^']+)'`)

	// the getters that follow an attribute's comment
	reGetPrim      = regexp.MustCompile(`^\s+return (cdktn\.Token\.asNumberList\()?(cdktn\.Fn\.tolist\()?this\.(getStringAttribute|getNumberAttribute|getBooleanAttribute|getListAttribute|getNumberListAttribute|interpolationForAttribute)\('`)
	reGetScalarMap = regexp.MustCompile(`^\s+_\w+ = new cdktn\.(String|Number|Boolean)Map\(this, "`)
	reGetList      = regexp.MustCompile(`^\s+_\w+ = new (\w+)List\(this, "\w+", (true|false)\);`)
	reGetMap       = regexp.MustCompile(`^\s+_\w+ = new (\w+)Map\(this, "\w+"\);`)
	reGetObject    = regexp.MustCompile(`^\s+_\w+ = new (\w+)OutputReference\(this, "\w+"\);`)
)

// getterOf recognises the line of a getter that tells an attribute's type.
func getterOf(line string) (getter, bool) {
	if m := reGetPrim.FindStringSubmatch(line); m != nil {
		set := m[2] != ""
		switch m[3] {
		case "getStringAttribute":
			return getter{typ: "string"}, true
		case "getNumberAttribute":
			return getter{typ: "number"}, true
		case "getBooleanAttribute":
			return getter{typ: "bool"}, true
		case "interpolationForAttribute":
			return getter{typ: "any"}, true
		case "getListAttribute":
			if set {
				return getter{typ: "set(string)"}, true
			}
			return getter{typ: "list(string)"}, true
		case "getNumberListAttribute":
			if set {
				return getter{typ: "set(number)"}, true
			}
			return getter{typ: "list(number)"}, true
		}
	}
	if m := reGetScalarMap.FindStringSubmatch(line); m != nil {
		return getter{typ: "map(" + map[string]string{"String": "string", "Number": "number", "Boolean": "bool"}[m[1]] + ")"}, true
	}
	if m := reGetList.FindStringSubmatch(line); m != nil {
		n := "list"
		if m[2] == "true" {
			n = "set"
		}
		return getter{nesting: n, class: m[1] + "OutputReference"}, true
	}
	if m := reGetMap.FindStringSubmatch(line); m != nil {
		return getter{nesting: "map", class: m[1] + "OutputReference"}, true
	}
	if m := reGetObject.FindStringSubmatch(line); m != nil {
		return getter{nesting: "single", class: m[1] + "OutputReference"}, true
	}
	return getter{}, false
}

func (p *parser) facts(dir string) *dirFacts {
	d := p.dirs[dir]
	if d == nil {
		d = &dirFacts{fns: map[string][]entry{}, comments: map[string]map[string]flags{},
			getters: map[string]map[string]getter{}, writeOnly: map[string]map[string]bool{}}
		p.dirs[dir] = d
	}
	return d
}

// parseFile reads one generated .js file line by line. The generated code is regular:
// class and function headers start at column 0, attribute entries are one key per line.
func (p *parser) parseFile(dir, name string, r io.Reader) error {
	p.stats.Files++
	d := p.facts(dir)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 64<<20) // the trailing source map is one long line
	var (
		class    string
		top      *topClass
		fn       string
		inSynth  bool
		inAttrs  bool
		pending  string // the attribute whose comment was read last, until its getter
		seenGet  int    // lines read since that comment
		entries  []entry
		cur      *entry
		finishFn = func() {
			if cur != nil {
				entries = append(entries, *cur)
				cur = nil
			}
		}
	)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "//# sourceMappingURL") {
			continue
		}
		if inAttrs {
			if strings.TrimSpace(line) == "};" {
				finishFn()
				inAttrs = false
				switch {
				case fn != "":
					d.fns[fn] = entries
					p.stats.Functions++
				case inSynth && top != nil:
					top.entries = entries
				}
				entries = nil
				continue
			}
			if m := reEntry.FindStringSubmatch(line); m != nil {
				finishFn()
				cur = &entry{name: m[1]}
				continue
			}
			if cur == nil {
				continue
			}
			if m := reValue.FindStringSubmatch(line); m != nil {
				cur.value = m[1]
			} else if m := reIsBlock.FindStringSubmatch(line); m != nil {
				cur.isBlock = m[1] == "true"
			} else if m := reType.FindStringSubmatch(line); m != nil {
				cur.typ = m[1]
			} else if m := reStorage.FindStringSubmatch(line); m != nil {
				cur.storage = m[1]
			} else if !cur.isBlock && cur.typ == "" && cur.value != "" && !strings.HasPrefix(strings.TrimSpace(line), "}") {
				cur.value += " " + strings.TrimSpace(line) // a value spread over lines
			}
			continue
		}
		if m := reClass.FindStringSubmatch(line); m != nil {
			class, fn, inSynth, top, pending = m[1], "", false, nil, ""
			switch m[2] {
			case "TerraformResource", "TerraformDataSource", "TerraformEphemeralResource", "TerraformProvider":
				top = &topClass{class: class, kind: m[2], file: name}
				d.tops = append(d.tops, top)
			}
			continue
		}
		if m := reFunc.FindStringSubmatch(line); m != nil {
			class, fn, inSynth, top = "", m[1], false, nil
			continue
		}
		if reAnyFunc.MatchString(line) {
			class, fn, inSynth, top = "", "", false, nil
			continue
		}
		if m := reVersion.FindStringSubmatch(line); m != nil && p.providerVersion == "" {
			p.providerVersion = m[1]
			continue
		}
		if m := reTfType.FindStringSubmatch(line); m != nil && top != nil {
			top.tfType = m[1]
			continue
		}
		if m := reComment.FindStringSubmatch(line); m != nil && class != "" {
			c := d.comments[class]
			if c == nil {
				c = map[string]flags{}
				d.comments[class] = c
			}
			c[m[1]] = flags{computed: m[2] == "true", optional: m[3] == "true", required: m[4] == "true"}
			pending, seenGet = m[1], 0
			continue
		}
		if pending != "" && class != "" {
			if strings.Contains(line, "@deprecated Write-only") {
				w := d.writeOnly[class]
				if w == nil {
					w = map[string]bool{}
					d.writeOnly[class] = w
				}
				w[pending] = true
			}
			if g, ok := getterOf(line); ok {
				gs := d.getters[class]
				if gs == nil {
					gs = map[string]getter{}
					d.getters[class] = gs
				}
				gs[pending] = g
				pending = ""
			} else if seenGet++; seenGet > 8 {
				pending = ""
			}
		}
		if strings.Contains(line, "synthesizeHclAttributes() {") && top != nil {
			inSynth = true
			continue
		}
		if strings.TrimSpace(line) == "const attrs = {};" && fn != "" {
			d.fns[fn] = []entry{} // a block without arguments
			p.stats.Functions++
			continue
		}
		if strings.TrimSpace(line) == "const attrs = {" && (fn != "" || inSynth) {
			inAttrs = true
			entries = nil
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

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

// block builds the schema of a block from its argument entries and the comments of
// the class that exposes its attributes.
//
// stack holds the struct functions of the enclosing blocks (the last one builds b); a
// nested block whose function is already on it is recursive and refers back to it.
func (p *parser) block(d *dirFacts, entries []entry, class string, stack []string) *schema.Block {
	b := &schema.Block{}
	comments := d.comments[class]
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.name] = true
		f, ok := comments[e.name]
		if !ok {
			p.stats.MissingComments++
			f = flags{optional: true}
		}
		if !e.isBlock {
			addAttr(b, e.name, &schema.Attribute{
				Type: typeOf(e.typ, e.storage), Required: f.required, Optional: f.optional, Computed: f.computed,
			})
			continue
		}
		var child *schema.Block
		recursive := 0
		callee := calleeOf(e.value)
		for i, f := range stack {
			if f == callee {
				recursive = len(stack) - i
			}
		}
		ce, ok := d.fns[callee]
		switch {
		case recursive > 0:
			child = &schema.Block{}
		case ok:
			child = p.block(d, ce, upperFirst(callee)+"OutputReference", append(stack[:len(stack):len(stack)], callee))
		default:
			p.stats.MissingFunctions++
			child = &schema.Block{}
		}
		if recursive > 0 {
			p.stats.Recursive++
		}
		listMapped := strings.Contains(e.value, "listMapperHcl(")
		switch {
		case listMapped && strings.Contains(e.value, ", false)("):
			// an object list typed as an attribute: written `x = [{...}]`, and for
			// SDKv2 attributes-as-blocks also as blocks
			addAttr(b, e.name, &schema.Attribute{
				Type: e.typ + "(object)", Required: f.required, Optional: f.optional, Computed: f.computed,
				Nesting: e.typ, Nested: nilIf(recursive, child), BlockSyntax: true, Recursive: recursive,
			})
		case strings.Contains(e.value, "hashMapperHcl("):
			addAttr(b, e.name, &schema.Attribute{
				Type: "map(object)", Required: f.required, Optional: f.optional, Computed: f.computed,
				Nesting: "map", Nested: nilIf(recursive, child), Recursive: recursive,
			})
		case e.typ == "struct" && e.name != "timeouts":
			// a single nested attribute (plugin framework): written `x = {...}`
			addAttr(b, e.name, &schema.Attribute{
				Type: "object", Required: f.required, Optional: f.optional, Computed: f.computed,
				Nesting: "single", Nested: nilIf(recursive, child), Recursive: recursive,
			})
		default:
			nb := &schema.NestedBlock{Block: *child, Recursive: recursive}
			switch {
			case listMapped:
				nb.Nesting = e.typ // list or set
			case e.typ == "struct":
				nb.Nesting, nb.MaxItems = "single", 1
			default:
				nb.Nesting, nb.MaxItems = e.typ, 1
			}
			if f.required {
				nb.MinItems = 1
			}
			if b.Blocks == nil {
				b.Blocks = map[string]*schema.NestedBlock{}
			}
			b.Blocks[e.name] = nb
		}
	}
	// attributes only the provider sets (arn, id...) have a comment but no entry
	names := make([]string, 0, len(comments))
	for n := range comments {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if seen[n] {
			continue
		}
		f := comments[n]
		a := &schema.Attribute{Required: f.required, Optional: f.optional, Computed: f.computed}
		p.typeFromGetter(d, a, d.getters[class][n], []string{class})
		addAttr(b, n, a)
	}
	p.flag(d, b, class)
	return b
}

// flag marks the block's write-only arguments (from the bindings) and sensitive ones
// (from their names, see sensitiveName).
func (p *parser) flag(d *dirFacts, b *schema.Block, class string) {
	for n, a := range b.Attributes {
		if d.writeOnly[class][n] {
			a.WriteOnly = true
			a.Sensitive = true
			p.stats.WriteOnly++
		}
		if sensitiveName(n) {
			a.Sensitive = true
		}
	}
}

// typeFromGetter types an attribute the bindings expose only through a getter (the
// computed-only ones): a primitive or collection type, or an object whose attributes
// are those of the class the getter returns, followed recursively. classes holds the
// classes being expanded, so a class that contains itself stops there.
func (p *parser) typeFromGetter(d *dirFacts, a *schema.Attribute, g getter, classes []string) {
	switch {
	case g.typ != "":
		a.Type = g.typ
	case g.class != "":
		for _, c := range classes {
			if c == g.class {
				a.Type = "any"
				p.stats.Recursive++
				return
			}
		}
		obj := &schema.Block{Attributes: map[string]*schema.Attribute{}}
		comments := d.comments[g.class]
		for n, f := range comments {
			na := &schema.Attribute{Required: f.required, Optional: f.optional, Computed: f.computed}
			p.typeFromGetter(d, na, d.getters[g.class][n], append(classes[:len(classes):len(classes)], g.class))
			obj.Attributes[n] = na
		}
		p.flag(d, obj, g.class)
		a.Nesting, a.Nested = g.nesting, obj
		if g.nesting == "single" {
			a.Type = "object"
		} else {
			a.Type = g.nesting + "(object)"
		}
	default:
		p.stats.Untyped++
	}
}

// sensitiveName reports whether an attribute holds a secret by its name. The bindings
// carry no sensitive flag, so this approximates the provider's: passwords, secret
// strings and binaries, tokens, private keys.
func sensitiveName(n string) bool {
	switch {
	case strings.Contains(n, "password") && !strings.HasSuffix(n, "_version") && !strings.HasSuffix(n, "_length") &&
		!strings.HasPrefix(n, "manage_") && !strings.HasPrefix(n, "require_") && !strings.HasPrefix(n, "allow_") &&
		!strings.Contains(n, "_policy") && !strings.HasSuffix(n, "_enabled") && !strings.HasPrefix(n, "hard_expiry"):
		return true
	case n == "secret_string", n == "secret_binary", n == "auth_token", n == "private_key", n == "private_key_pem",
		n == "secret", n == "client_secret", n == "ses_smtp_password_v4", n == "plaintext":
		return true
	}
	return false
}

func addAttr(b *schema.Block, name string, a *schema.Attribute) {
	if b.Attributes == nil {
		b.Attributes = map[string]*schema.Attribute{}
	}
	b.Attributes[name] = a
}

// calleeOf returns the struct function a nested block's value calls:
// `fooBarToHclTerraform(x)`, `cdktn.listMapperHcl(fooBarToHclTerraform, true)(x)`,
// `(0, index_1.fooBarToHclTerraform)(x)` all give fooBar; cdktn's own helpers are skipped.
func calleeOf(value string) string {
	for _, m := range reCallee.FindAllStringSubmatchIndex(value, -1) {
		full := value[m[0]:m[1]]
		if strings.Contains(full, "cdktn.") {
			continue
		}
		return value[m[2]:m[3]]
	}
	return ""
}

func nilIf(recursive int, b *schema.Block) *schema.Block {
	if recursive > 0 {
		return nil
	}
	return b
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// typeOf turns cdktn's storage class (string, stringList, numberMap, stringListMap...)
// and collection kind (simple, list, set, map) into an HCL type string.
func typeOf(kind, storage string) string {
	base := storage
	var suffixes []string
	for {
		switch {
		case strings.HasSuffix(base, "List"):
			suffixes = append(suffixes, "list")
			base = strings.TrimSuffix(base, "List")
			continue
		case strings.HasSuffix(base, "Map"):
			suffixes = append(suffixes, "map")
			base = strings.TrimSuffix(base, "Map")
			continue
		}
		break
	}
	if base == "boolean" {
		base = "bool"
	}
	t := base
	// suffixes run outermost first; the outermost list is a set when kind says so
	for i := len(suffixes) - 1; i >= 0; i-- {
		c := suffixes[i]
		if i == 0 && c == "list" && kind == "set" {
			c = "set"
		}
		t = c + "(" + t + ")"
	}
	return t
}
