// Package policy evaluates Rego v1 policies (OPA) over units' rendered configuration,
// plan JSON and per-environment summaries, and turns their deny and warn rules into
// findings.
//
// Policies live in packages under three namespaces, one per kind of input:
//
//	package olechka.unit.NAME  input: a unit's rendered config (terragrunt render --json shape + "olechka")
//	package olechka.plan.NAME  input: a unit's plan JSON (terraform show -json shape + "olechka")
//	package olechka.env.NAME   input: one environment's summary (tier, budget, cost estimate)
//
// Each package may define `deny contains msg` (blocks: an error finding) and
// `warn contains msg` (advises: a warning). A message is a string, or an object
// {"msg": string, "rule": string, "field": string} where rule names the check and field
// points at an input (e.g. "inputs.deletion_protection") so the finding gets its line.
package policy

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// Kind is the kind of input a policy package judges.
type Kind string

const (
	// Unit policies see one unit's rendered configuration.
	Unit Kind = "unit"
	// Plan policies see one unit's plan JSON.
	Plan Kind = "plan"
	// Env policies see one environment's summary.
	Env Kind = "env"
)

// Kinds lists every kind, in evaluation order.
var Kinds = []Kind{Unit, Plan, Env}

// Violation is one deny or warn result.
type Violation struct {
	Kind    Kind
	Package string // package path below olechka.<kind>, e.g. "database"
	Deny    bool   // deny (true) or warn (false)
	Rule    string // the message's "rule", or the package name
	Message string
	Field   string // the message's "field", e.g. "inputs.deletion_protection"
}

// Engine holds compiled policies, ready to evaluate inputs concurrently.
type Engine struct {
	queries map[Kind]rego.PreparedEvalQuery
	files   []string
}

// Files returns the policy files (tests excluded) the engine compiled.
func (e *Engine) Files() []string { return e.files }

// Load compiles the .rego files under dirs (recursively; *_test.rego excluded) and the
// .json/.yaml data files beside them. Parse and compile errors name file:line.
func Load(ctx context.Context, dirs ...string) (*Engine, error) {
	var paths []string
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("policy folder: %w", err)
		}
		if !st.IsDir() {
			paths = append(paths, d)
			continue
		}
		err = filepath.WalkDir(d, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if de.IsDir() {
				if p != d && strings.HasPrefix(de.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, "_test.rego") || strings.Contains(filepath.ToSlash(p), "/testdata/") {
				return nil
			}
			switch filepath.Ext(p) {
			case ".rego", ".json", ".yaml", ".yml":
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("policy folder %s: %w", d, err)
		}
	}
	sort.Strings(paths)
	res, err := loader.NewFileLoader().
		WithRegoVersion(ast.RegoV1).
		Filtered(paths, nil)
	if err != nil {
		return nil, fmt.Errorf("loading policies: %w", err)
	}
	modules := map[string]*ast.Module{}
	var files []string
	for name, m := range res.Modules {
		modules[name] = m.Parsed
		files = append(files, name)
	}
	sort.Strings(files)
	store := inmem.NewFromObject(res.Documents)
	return compile(ctx, modules, store, files)
}

// LoadModules compiles policies given as source text (file name -> Rego v1 source).
func LoadModules(ctx context.Context, sources map[string]string) (*Engine, error) {
	modules := map[string]*ast.Module{}
	var files []string
	for name, src := range sources {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("parsing policy: %w", err)
		}
		modules[name] = m
		files = append(files, name)
	}
	sort.Strings(files)
	return compile(ctx, modules, inmem.New(), files)
}

func compile(ctx context.Context, modules map[string]*ast.Module, store storage.Store, files []string) (*Engine, error) {
	compiler := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1)
	if compiler.Compile(modules); compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", compiler.Errors)
	}
	e := &Engine{queries: map[Kind]rego.PreparedEvalQuery{}, files: files}
	for _, k := range Kinds {
		q := fmt.Sprintf(`result := {
	"deny": [[p, m] | some p; some m in data.olechka.%[1]s[p].deny],
	"warn": [[p, m] | some p; some m in data.olechka.%[1]s[p].warn],
}`, k)
		pq, err := rego.New(
			rego.Query(q),
			rego.Compiler(compiler),
			rego.Store(store),
			rego.SetRegoVersion(ast.RegoV1),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("preparing %s policies: %w", k, err)
		}
		e.queries[k] = pq
	}
	return e, nil
}

// Eval runs the policies of a kind over one input. The input is JSON-shaped data
// (maps, slices, strings, float64/int, bool, nil).
func (e *Engine) Eval(ctx context.Context, kind Kind, input any) ([]Violation, error) {
	pq, ok := e.queries[kind]
	if !ok {
		return nil, fmt.Errorf("unknown policy kind %q", kind)
	}
	rs, err := pq.Eval(ctx, rego.EvalInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluating %s policies: %w", kind, err)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	res, _ := rs[0].Bindings["result"].(map[string]any)
	var out []Violation
	for _, which := range []string{"deny", "warn"} {
		list, _ := res[which].([]any)
		for _, item := range list {
			pair, _ := item.([]any)
			if len(pair) != 2 {
				continue
			}
			pkg, _ := pair[0].(string)
			v := Violation{Kind: kind, Package: pkg, Deny: which == "deny", Rule: pkg}
			switch m := pair[1].(type) {
			case string:
				v.Message = m
			case map[string]any:
				v.Message, _ = m["msg"].(string)
				if r, ok := m["rule"].(string); ok && r != "" {
					v.Rule = r
				}
				v.Field, _ = m["field"].(string)
			default:
				v.Message = fmt.Sprint(m)
			}
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Deny != b.Deny {
			return a.Deny
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
	return out, nil
}
