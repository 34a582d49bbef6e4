package extract

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

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
	s := &fileScan{p: p, d: p.facts(dir), name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 64<<20) // the trailing source map is one long line
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "//# sourceMappingURL") {
			continue
		}
		if s.inAttrs {
			s.attrsLine(line)
			continue
		}
		s.codeLine(line)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// fileScan is where parseFile is in one file: the class or struct function it is
// in, and the `const attrs = {...}` list it is reading.
type fileScan struct {
	p    *parser
	d    *dirFacts
	name string

	class   string
	top     *topClass
	fn      string
	inSynth bool   // in the top-level class's synthesizeHclAttributes()
	inAttrs bool   // in a `const attrs = {` list
	pending string // the attribute whose comment was read last, until its getter
	seenGet int    // lines read since that comment
	entries []entry
	cur     *entry
}

// codeLine reads a line outside an attribute list. The checks run in order and the
// first that recognises the line ends it, except that a getter line is also looked at
// as the start of an attribute list.
func (s *fileScan) codeLine(line string) {
	if s.header(line) || s.metadata(line) || s.attributeComment(line) {
		return
	}
	if s.pending != "" && s.class != "" {
		s.afterComment(line)
	}
	s.attrsStart(line)
}

// header recognises a class or function header at column 0, which ends whatever
// class or function was being read.
func (s *fileScan) header(line string) bool {
	if m := reClass.FindStringSubmatch(line); m != nil {
		s.class, s.fn, s.inSynth, s.top, s.pending = m[1], "", false, nil, ""
		switch m[2] {
		case "TerraformResource", "TerraformDataSource", "TerraformEphemeralResource", "TerraformProvider":
			s.top = &topClass{class: s.class, kind: m[2], file: s.name}
			s.d.tops = append(s.d.tops, s.top)
		}
		return true
	}
	if m := reFunc.FindStringSubmatch(line); m != nil {
		s.class, s.fn, s.inSynth, s.top = "", m[1], false, nil
		return true
	}
	if reAnyFunc.MatchString(line) {
		s.class, s.fn, s.inSynth, s.top = "", "", false, nil
		return true
	}
	return false
}

// metadata recognises the provider version (first one wins) and a top-level class's
// Terraform type.
func (s *fileScan) metadata(line string) bool {
	if m := reVersion.FindStringSubmatch(line); m != nil && s.p.providerVersion == "" {
		s.p.providerVersion = m[1]
		return true
	}
	if m := reTfType.FindStringSubmatch(line); m != nil && s.top != nil {
		s.top.tfType = m[1]
		return true
	}
	return false
}

// attributeComment recognises `// name - computed: X, optional: Y, required: Z` in a
// class and records the flags; the attribute's getter follows within a few lines.
func (s *fileScan) attributeComment(line string) bool {
	m := reComment.FindStringSubmatch(line)
	if m == nil || s.class == "" {
		return false
	}
	c := s.d.comments[s.class]
	if c == nil {
		c = map[string]flags{}
		s.d.comments[s.class] = c
	}
	c[m[1]] = flags{computed: m[2] == "true", optional: m[3] == "true", required: m[4] == "true"}
	s.pending, s.seenGet = m[1], 0
	return true
}

// afterComment reads the lines that follow an attribute's comment: a write-only
// deprecation note, and the getter that tells the attribute's type. It gives up on
// the getter after 8 lines.
func (s *fileScan) afterComment(line string) {
	if strings.Contains(line, "@deprecated Write-only") {
		w := s.d.writeOnly[s.class]
		if w == nil {
			w = map[string]bool{}
			s.d.writeOnly[s.class] = w
		}
		w[s.pending] = true
	}
	if g, ok := getterOf(line); ok {
		gs := s.d.getters[s.class]
		if gs == nil {
			gs = map[string]getter{}
			s.d.getters[s.class] = gs
		}
		gs[s.pending] = g
		s.pending = ""
	} else if s.seenGet++; s.seenGet > 8 {
		s.pending = ""
	}
}

// attrsStart recognises the start of an argument list: synthesizeHclAttributes() in
// a top-level class, then `const attrs = {` there or in a struct function (`const
// attrs = {};` is a struct without arguments).
func (s *fileScan) attrsStart(line string) {
	if strings.Contains(line, "synthesizeHclAttributes() {") && s.top != nil {
		s.inSynth = true
		return
	}
	if strings.TrimSpace(line) == "const attrs = {};" && s.fn != "" {
		s.d.fns[s.fn] = []entry{} // a block without arguments
		s.p.stats.Functions++
		return
	}
	if strings.TrimSpace(line) == "const attrs = {" && (s.fn != "" || s.inSynth) {
		s.inAttrs = true
		s.entries = nil
		s.cur = nil
	}
}

// attrsLine reads a line of an argument list: an entry's key, one of its fields, or
// the list's end, which stores the entries with the struct function or top class.
func (s *fileScan) attrsLine(line string) {
	if strings.TrimSpace(line) == "};" {
		s.endAttrs()
		return
	}
	if m := reEntry.FindStringSubmatch(line); m != nil {
		s.finishEntry()
		s.cur = &entry{name: m[1]}
		return
	}
	if s.cur != nil {
		s.cur.field(line)
	}
}

func (s *fileScan) endAttrs() {
	s.finishEntry()
	s.inAttrs = false
	switch {
	case s.fn != "":
		s.d.fns[s.fn] = s.entries
		s.p.stats.Functions++
	case s.inSynth && s.top != nil:
		s.top.entries = s.entries
	}
	s.entries = nil
}

func (s *fileScan) finishEntry() {
	if s.cur != nil {
		s.entries = append(s.entries, *s.cur)
		s.cur = nil
	}
}

// field reads one line of an argument entry: value, isBlock, type, storageClassType,
// or the continuation of a value spread over lines.
func (e *entry) field(line string) {
	if m := reValue.FindStringSubmatch(line); m != nil {
		e.value = m[1]
	} else if m := reIsBlock.FindStringSubmatch(line); m != nil {
		e.isBlock = m[1] == "true"
	} else if m := reType.FindStringSubmatch(line); m != nil {
		e.typ = m[1]
	} else if m := reStorage.FindStringSubmatch(line); m != nil {
		e.storage = m[1]
	} else if !e.isBlock && e.typ == "" && e.value != "" && !strings.HasPrefix(strings.TrimSpace(line), "}") {
		e.value += " " + strings.TrimSpace(line) // a value spread over lines
	}
}
