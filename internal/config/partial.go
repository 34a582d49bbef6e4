package config

import (
	"context"
	"path/filepath"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// partialDependencyDirs is the best-effort dependency folders of a unit that does not
// evaluate, as Terragrunt's discovery finds them: the config_path of each enabled
// dependency block and the dependencies.paths of the unit file and of the files it
// includes, wherever they evaluate with functions alone (no locals, no outputs).
// Rendering and graphing use them so a broken unit keeps its edges.
func (e *Evaluator) partialDependencyDirs(ctx context.Context, dir string) []string {
	ue := &unitEval{e: e, ctx: ctx, dir: dir, files: map[string]bool{}, reads: map[string]cty.Value{}}
	unitFile := filepath.Join(dir, UnitFile)
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		p = absIn(dir, p)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	var visit func(path string, incs []*include, self *include)
	visit = func(path string, incs []*include, self *include) {
		body, diags, err := e.parse(path)
		if err != nil || diags.HasErrors() || body == nil {
			return
		}
		s := &scope{u: ue, terragruntDir: dir, configPath: path, dependent: new(bool), includes: incs, self: self}
		if self == nil {
			// The unit file: its includes, for get_parent_terragrunt_dir and friends.
			incs, _ = s.decodeIncludes(body)
			s.includes = incs
		}
		ectx := s.evalContext(nil)
		str := func(a *hclsyntax.Attribute) (string, bool) {
			v, d := a.Expr.Value(ectx)
			if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
				return "", false
			}
			return v.AsString(), true
		}
		for _, b := range body.Blocks {
			switch {
			case b.Type == "dependency":
				if a, ok := b.Body.Attributes["enabled"]; ok {
					if v, d := a.Expr.Value(ectx); !d.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.Bool && v.False() {
						continue
					}
				}
				if a, ok := b.Body.Attributes["config_path"]; ok {
					if p, ok := str(a); ok && p != "" {
						add(p)
					}
				}
			case b.Type == "dependencies":
				if a, ok := b.Body.Attributes["paths"]; ok {
					v, d := a.Expr.Value(ectx)
					if d.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
						continue
					}
					for it := v.ElementIterator(); it.Next(); {
						_, x := it.Element()
						if x.Type() == cty.String && !x.IsNull() {
							add(x.AsString())
						}
					}
				}
			}
		}
		if self == nil {
			for _, inc := range incs {
				visit(inc.path, incs, inc)
			}
		}
	}
	visit(unitFile, nil, nil)
	return out
}
