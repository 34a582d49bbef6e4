package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/terragrunt-olechka/olechka/"

// leftOut are packages the diagram does not show: test helpers and the alarm Lambda.
func leftOut(p string) bool {
	for _, s := range []string{"testenv", "artifacttest", "ghfake", "faketofu", "e2e", "validate/schema/cmd/"} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return !strings.HasPrefix(p, "internal/") && p != "cmd/olechka" ||
		strings.HasPrefix(p, "internal/alarm")
}

// diagramEdges reads the arrows of the mermaid block under "## Packages and their imports".
func diagramEdges(t *testing.T, doc string) []string {
	t.Helper()
	f, err := os.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var edges []string
	section, inBlock := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			section = line == "## Packages and their imports"
		case section && line == "```mermaid":
			inBlock = true
		case inBlock && line == "```":
			return edges
		case inBlock:
			if a, b, ok := strings.Cut(line, " --> "); ok {
				edges = append(edges, name(a)+" -> "+name(b))
			}
		}
	}
	t.Fatalf("%s: no mermaid block under \"## Packages and their imports\"", doc)
	return nil
}

func name(id string) string {
	if id == "cmd_olechka" {
		return "cmd/olechka"
	}
	return "internal/" + strings.ReplaceAll(id, "_", "/")
}

// importEdges are the imports between the module's packages, as go list sees them.
func importEdges(t *testing.T, root string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var edges []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		from := strings.TrimPrefix(p.ImportPath, module)
		if leftOut(from) {
			continue
		}
		for _, imp := range p.Imports {
			if to, ok := strings.CutPrefix(imp, module); ok && !leftOut(to) {
				edges = append(edges, from+" -> "+to)
			}
		}
	}
	return edges
}

// TestArchitectureDiagram holds docs/architecture.md's package diagram to the real imports.
func TestArchitectureDiagram(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	doc := diagramEdges(t, filepath.Join(root, "docs", "architecture.md"))
	real := importEdges(t, root)
	slices.Sort(doc)
	slices.Sort(real)
	for _, e := range real {
		if _, found := slices.BinarySearch(doc, e); !found {
			t.Errorf("import %s is missing from docs/architecture.md's package diagram", e)
		}
	}
	for _, e := range doc {
		if _, found := slices.BinarySearch(real, e); !found {
			t.Errorf("docs/architecture.md's package diagram shows %s, which is no import", e)
		}
	}
}
