package extract

import (
	"sort"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

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
		child, recursive := p.child(d, e, stack)
		addNested(b, e, f, child, recursive)
	}
	p.providerOnly(d, b, class, seen)
	p.flag(d, b, class)
	return b
}

// child builds the block a nested entry renders through its struct function, and
// tells how many levels up it refers back when that function is already on the stack
// (then the block is empty).
func (p *parser) child(d *dirFacts, e entry, stack []string) (child *schema.Block, recursive int) {
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
	return child, recursive
}

// addNested adds a nested entry to b as the bindings render it: an object-list or
// object-map attribute, a single nested attribute, or a nested block.
func addNested(b *schema.Block, e entry, f flags, child *schema.Block, recursive int) {
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

// providerOnly adds the attributes only the provider sets (arn, id...): they have a
// comment in class but no argument entry (seen), and are typed from their getters.
func (p *parser) providerOnly(d *dirFacts, b *schema.Block, class string, seen map[string]bool) {
	comments := d.comments[class]
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
