package extract

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// tarball packs testdata/package the way `npm pack` does (package/lib/...).
func tarball(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	err := filepath.WalkDir("testdata/package", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata", p)
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFromTarball(t *testing.T) {
	s, st, err := FromTarball(bytes.NewReader(tarball(t)), "test@1")
	if err != nil {
		t.Fatal(err)
	}
	if st.Resources != 1 || st.DataSources != 1 || st.MissingFunctions != 0 || st.MissingComments != 0 || st.Recursive != 1 {
		t.Errorf("stats %+v", st)
	}
	if s.ProviderVersion != "9.9.9" || s.Source != "test@1" || s.Provider != "aws" {
		t.Errorf("header %q %q %q", s.ProviderVersion, s.Source, s.Provider)
	}
	// computed-only attributes are typed from their getters; write-only and sensitive marked
	th := s.Resources["aws_thing"]
	if a := th.Attributes["ports"]; a == nil || a.Type != "set(number)" {
		t.Errorf("ports %+v", a)
	}
	if a := th.Attributes["secret"]; a == nil || a.Type != "list(object)" || a.Nesting != "list" || a.Nested == nil ||
		a.Nested.Attributes["kms_key_id"] == nil || a.Nested.Attributes["kms_key_id"].Type != "string" {
		t.Errorf("secret %+v", a)
	}
	if a := th.Attributes["token_wo"]; a == nil || !a.WriteOnly || !a.Sensitive {
		t.Errorf("token_wo %+v", a)
	}
	if a := th.Attributes["master_password"]; a == nil || !a.Sensitive || a.WriteOnly {
		t.Errorf("master_password %+v", a)
	}
	if st.WriteOnly != 1 {
		t.Errorf("write-only count %d", st.WriteOnly)
	}
	// the schema survives a write/read round trip, which links the recursive block
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	s, err = schema.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	r := s.Resources["aws_thing"]
	if r == nil {
		t.Fatal("aws_thing missing")
	}
	attr := func(b *schema.Block, n string) *schema.Attribute {
		t.Helper()
		a := b.Attributes[n]
		if a == nil {
			t.Fatalf("attribute %s missing", n)
		}
		return a
	}
	if a := attr(r, "arn"); !a.ComputedOnly() {
		t.Errorf("arn %+v", a)
	}
	if a := attr(r, "bucket"); !a.Required || a.Type != "string" {
		t.Errorf("bucket %+v", a)
	}
	if a := attr(r, "labels"); a.Type != "map(list(string))" {
		t.Errorf("labels type %q", a.Type)
	}
	if a := attr(r, "ingress"); !a.BlockSyntax || a.Nesting != "set" || attr(a.Object(), "cidr").Type != "list(string)" {
		t.Errorf("ingress %+v", a)
	}
	if a := attr(r, "settings"); a.Nesting != "single" || attr(a.Object(), "level").Type != "number" {
		t.Errorf("settings %+v", a)
	}
	if b := r.Blocks["marker"]; b == nil || b.Nesting != "list" || b.MaxItems != 1 || len(b.Attributes) != 0 {
		t.Errorf("marker %+v", b)
	}
	if b := r.Blocks["timeouts"]; b == nil || b.Nesting != "single" || b.Attributes["create"] == nil {
		t.Errorf("timeouts %+v", b)
	}
	rule := r.Blocks["rule"]
	if rule == nil || rule.Nesting != "set" || rule.MinItems != 1 || rule.MaxItems != 0 {
		t.Fatalf("rule %+v", rule)
	}
	if a := attr(rule.Body(), "name"); !a.Required {
		t.Errorf("rule.name %+v", a)
	}
	if a := attr(rule.Body(), "ports"); a.Type != "set(number)" {
		t.Errorf("rule.ports %+v", a)
	}
	if a := attr(rule.Body(), "rule_id"); !a.ComputedOnly() {
		t.Errorf("rule.rule_id %+v", a)
	}
	if inner := rule.Blocks["rule"]; inner == nil || inner.Recursive != 1 || inner.Body() != rule.Body() {
		t.Errorf("rule.rule should refer back to rule: %+v", inner)
	}
	// a struct function split into index-structs/ and called through its module
	if tg := rule.Blocks["target"]; tg == nil || tg.MinItems != 1 || tg.MaxItems != 1 || !attr(tg.Body(), "arn").Required {
		t.Errorf("rule.target %+v", tg)
	}
	d := s.DataSources["aws_thing"]
	if d == nil || !attr(d, "name").Optional || !attr(d, "arn").ComputedOnly() {
		t.Errorf("data aws_thing %+v", d)
	}
}

func TestFromTarballRejectsOtherPackages(t *testing.T) {
	if _, _, err := FromTarball(bytes.NewReader([]byte("not gzip")), "x"); err == nil {
		t.Error("garbage must be an error")
	}
	if _, _, err := FromFiles(map[string]string{"package/lib/x/index.js": "module.exports = 1;\n"}, "x"); err == nil {
		t.Error("a package without resources must be an error")
	}
}

func TestTypeOf(t *testing.T) {
	for _, c := range []struct{ kind, storage, want string }{
		{"simple", "string", "string"},
		{"simple", "boolean", "bool"},
		{"list", "stringList", "list(string)"},
		{"set", "numberList", "set(number)"},
		{"map", "stringMap", "map(string)"},
		{"map", "stringMapMap", "map(map(string))"},
		{"set", "stringListList", "set(list(string))"},
		{"map", "stringListMap", "map(list(string))"},
		{"list", "stringMapList", "list(map(string))"},
	} {
		if got := typeOf(c.kind, c.storage); got != c.want {
			t.Errorf("typeOf(%s, %s) = %s, want %s", c.kind, c.storage, got, c.want)
		}
	}
}

func TestCalleeOf(t *testing.T) {
	for in, want := range map[string]string{
		"fooBarToHclTerraform(struct.x),":                                         "fooBar",
		"cdktn.listMapperHcl(fooBarToHclTerraform, true)(this._x),":               "fooBar",
		"(0, index_1.fooBarToHclTerraform)(struct.x),":                            "fooBar",
		"cdktn.listMapperHcl(index_1.fooBarToHclTerraform, true)(x),":             "fooBar",
		"cdktn.stringToHclTerraform(struct.x),":                                   "",
		"x === undefined ? null : cdktn.listMapperHcl(aToHclTerraform, false)(x)": "a",
	} {
		if got := calleeOf(in); got != want {
			t.Errorf("calleeOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// The real package, when `make tools` has fetched it: the extraction is deterministic
// and matches the cached schema file the checks load.
func TestRealPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 480 MB of JavaScript")
	}
	tgz := testenv.File(t, "npm/cdktn-provider-aws-25.7.0.tgz")
	cached, err := schema.Load(testenv.File(t, schema.FileName))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(tgz)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, st, err := FromTarball(f, "@cdktn/provider-aws@25.7.0")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", st)
	if st.MissingFunctions != 0 || st.MissingComments != 0 {
		t.Errorf("unlinked entries: %+v", st)
	}
	a, _ := json.Marshal(s)
	b, _ := json.Marshal(cached)
	if !bytes.Equal(a, b) {
		t.Error("the cached schema differs from a fresh extraction: run `make tools`")
	}
}
