// Package lint checks the contracts between a Terragrunt live tree and its modules:
// inputs no variable declares, required variables left unset, dependency outputs
// referenced that the dependency's module does not output, and input values whose type
// (or validation) does not fit the variable. It also turns the config engine's and the
// module reader's diagnostics into findings with file:line.
package lint

import (
	"errors"
	"fmt"
	"github.com/terragrunt-olechka/olechka/internal/editdist"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
)

// Rules this package reports.
const (
	RuleConfig            = "config"              // the config engine's diagnostics
	RuleModule            = "module"              // the module's own HCL cannot be read
	RuleUndeclaredInput   = "undeclared-input"    // an input no variable declares
	RuleMissingRequired   = "missing-required"    // a required variable left unset
	RuleMissingOutput     = "missing-output"      // dependency.X.outputs.Y the module does not output
	RuleTypeMismatch      = "type-mismatch"       // an input whose value does not fit the variable's type
	RuleValidation        = "variable-validation" // an input failing the variable's validation block
	RuleMissingModule     = "missing-module"      // terraform.source points at a folder that is not there
	RuleUnknownDependency = "unknown-dependency"  // dependency.X where X is not a dependency block
)

// Rel turns an absolute path into the path findings show (relative to the repository).
type Rel func(abs string) string

// Diagnostics turns HCL diagnostics into findings.
func Diagnostics(diags hcl.Diagnostics, check, rule, unit string, rel Rel) []finding.Finding {
	var out []finding.Finding
	for _, d := range diags {
		f := finding.Finding{Check: check, Rule: rule, Level: finding.Error, Unit: unit}
		if d.Severity == hcl.DiagWarning {
			f.Level = finding.Warning
		}
		f.Message = d.Summary
		if d.Detail != "" {
			f.Message += ": " + d.Detail
		}
		if d.Subject != nil && d.Subject.Filename != "" {
			f.File = rel(d.Subject.Filename)
			f.Line = d.Subject.Start.Line
			f.Column = d.Subject.Start.Column
		}
		out = append(out, f)
	}
	return out
}

// EvalError turns an error from the config engine into findings: each HCL diagnostic
// with its file:line, or one finding naming the unit.
func EvalError(err error, unitFile string, rel Rel) []finding.Finding {
	var ce *config.Error
	if errors.As(err, &ce) && len(ce.Diags) > 0 {
		return Diagnostics(ce.Diags, "lint", RuleConfig, ce.Path, rel)
	}
	f := finding.Finding{Check: "lint", Rule: RuleConfig, Level: finding.Error, Message: err.Error()}
	if unitFile != "" {
		f.File = rel(unitFile)
	}
	return []finding.Finding{f}
}

// Unit is what the contract checks need of one unit.
type Unit struct {
	Path   string
	File   string   // the unit's terragrunt.hcl, absolute
	Files  []string // every file it read (includes...), absolute
	Inputs cty.Value
	// Module is the unit's module (nil when remote or unreadable); ModuleDir its folder.
	Module    *tfmodule.Module
	ModuleDir string
	// Dependencies by block name; Module nil when the dependency's module is unknown.
	Dependencies map[string]*Dependency
}

// Dependency is one dependency block of a unit.
type Dependency struct {
	Name    string
	Dir     string
	Enabled bool
	Module  *tfmodule.Module // the dependency unit's module, nil when unknown
}

// Check runs the contract checks on one unit.
func Check(u *Unit, loc *Locator, rel Rel) []finding.Finding {
	var out []finding.Finding
	at := func(f finding.Finding, r hcl.Range, ok bool) finding.Finding {
		f.Check, f.Unit = "lint", u.Path
		if ok && r.Filename != "" {
			f.File, f.Line, f.Column = rel(r.Filename), r.Start.Line, r.Start.Column
		} else {
			f.File = rel(u.File)
		}
		return f
	}
	files := append([]string{u.File}, hclFiles(u.Files, u.File)...)
	out = append(out, dependencyRefs(u, files, loc, rel)...)
	if u.Module == nil {
		return out
	}
	inputs := map[string]cty.Value{}
	if u.Inputs != cty.NilVal && !u.Inputs.IsNull() && u.Inputs.IsKnown() && (u.Inputs.Type().IsObjectType() || u.Inputs.Type().IsMapType()) {
		inputs = u.Inputs.AsValueMap()
	}
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		val := inputs[name]
		v, ok := u.Module.Variables[name]
		if !ok {
			r, found := loc.Input(files, name, filepath.Base(u.ModuleDir))
			out = append(out, at(finding.Finding{Rule: RuleUndeclaredInput, Level: finding.Warning,
				Message: fmt.Sprintf("input %q is not a variable of module %s%s (Terragrunt passes it, OpenTofu ignores it)",
					name, rel(u.ModuleDir), suggest(name, u.Module))}, r, found))
			continue
		}
		if !val.IsWhollyKnown() {
			continue
		}
		if _, err := v.Convert(val); err != nil {
			r, found := loc.Input(files, name, filepath.Base(u.ModuleDir))
			out = append(out, at(finding.Finding{Rule: RuleTypeMismatch, Level: finding.Error,
				Message: fmt.Sprintf("input %q does not fit variable %q of type %s: %s", name, name, typeString(v.Type), err)}, r, found))
			continue
		}
		for _, d := range v.Check(val) {
			if d.Severity != hcl.DiagError || d.Summary != "Invalid value for variable" {
				continue
			}
			r, found := loc.Input(files, name, filepath.Base(u.ModuleDir))
			msg := fmt.Sprintf("input %q fails the validation of variable %q: %s", name, name, d.Detail)
			if d.Subject != nil {
				msg += fmt.Sprintf(" (%s:%d)", rel(d.Subject.Filename), d.Subject.Start.Line)
			}
			out = append(out, at(finding.Finding{Rule: RuleValidation, Level: finding.Error, Message: msg}, r, found))
		}
	}
	for _, name := range u.Module.RequiredVariables() {
		if _, ok := inputs[name]; ok {
			continue
		}
		r, found := loc.Input(files, "")
		out = append(out, at(finding.Finding{Rule: RuleMissingRequired, Level: finding.Error,
			Message: fmt.Sprintf("required variable %q of module %s is not set by the unit's inputs", name, rel(u.ModuleDir))}, r, found))
	}
	return out
}

// hclFiles returns the Terragrunt HCL files among files (includes, read_terragrunt_config).
func hclFiles(files []string, skip string) []string {
	var out []string
	for _, f := range files {
		if f != skip && strings.HasSuffix(f, ".hcl") {
			out = append(out, f)
		}
	}
	return out
}

// dependencyRefs finds dependency.NAME.outputs.OUT traversals in the unit's files and
// checks OUT against the outputs of NAME's module.
func dependencyRefs(u *Unit, files []string, loc *Locator, rel Rel) []finding.Finding {
	var out []finding.Finding
	for _, file := range files {
		body, _ := loc.Body(file)
		if body == nil {
			continue
		}
		declared := declaredDependencies(body)
		for _, tr := range traversals(body) {
			if len(tr) < 2 || tr.RootName() != "dependency" {
				continue
			}
			name, ok := attrName(tr[1])
			if !ok {
				continue
			}
			d, ok := u.Dependencies[name]
			if !ok {
				if !declared[name] && file == u.File {
					r := tr.SourceRange()
					out = append(out, finding.Finding{Check: "lint", Rule: RuleUnknownDependency, Level: finding.Error, Unit: u.Path,
						File: rel(r.Filename), Line: r.Start.Line, Column: r.Start.Column,
						Message: fmt.Sprintf("dependency.%s is referenced but the unit has no dependency %q block", name, name)})
				}
				continue
			}
			if !d.Enabled || d.Module == nil || len(tr) < 4 {
				continue
			}
			if n, ok := attrName(tr[2]); !ok || n != "outputs" {
				continue
			}
			outName, ok := attrName(tr[3])
			if !ok {
				continue
			}
			if _, ok := d.Module.Outputs[outName]; ok {
				continue
			}
			r := tr.SourceRange()
			out = append(out, finding.Finding{Check: "lint", Rule: RuleMissingOutput, Level: finding.Error, Unit: u.Path,
				File: rel(r.Filename), Line: r.Start.Line, Column: r.Start.Column,
				Message: fmt.Sprintf("dependency.%s.outputs.%s: module %s has no output %q%s", name, outName,
					rel(d.Module.Dir), outName, suggestOutput(outName, d.Module))})
		}
	}
	return out
}

func declaredDependencies(body *hclsyntax.Body) map[string]bool {
	m := map[string]bool{}
	for _, b := range body.Blocks {
		if b.Type == "dependency" && len(b.Labels) == 1 {
			m[b.Labels[0]] = true
		}
	}
	return m
}

// traversals returns every variable traversal in a body (attributes and nested blocks).
func traversals(body *hclsyntax.Body) []hcl.Traversal {
	var out []hcl.Traversal
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			out = append(out, a.Expr.Variables()...)
		}
		for _, blk := range b.Blocks {
			walk(blk.Body)
		}
	}
	walk(body)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].SourceRange(), out[j].SourceRange()
		return a.Start.Byte < b.Start.Byte
	})
	return out
}

func attrName(s hcl.Traverser) (string, bool) {
	switch t := s.(type) {
	case hcl.TraverseAttr:
		return t.Name, true
	case hcl.TraverseIndex:
		if t.Key.Type() == cty.String && t.Key.IsKnown() && !t.Key.IsNull() {
			return t.Key.AsString(), true
		}
	}
	return "", false
}

func typeString(t cty.Type) string {
	if t == cty.DynamicPseudoType {
		return "any"
	}
	return t.FriendlyNameForConstraint()
}

// suggest names a variable close to an undeclared input, if there is one.
func suggest(name string, m *tfmodule.Module) string {
	best, bestD := "", 3
	for v := range m.Variables {
		if d := editdist.Distance(name, v); d < bestD || (d == bestD && best != "" && v < best) {
			best, bestD = v, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func suggestOutput(name string, m *tfmodule.Module) string {
	best, bestD := "", 3
	for o := range m.Outputs {
		if d := editdist.Distance(name, o); d < bestD || (d == bestD && best != "" && o < best) {
			best, bestD = o, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// ModuleCache loads each module folder once.
type ModuleCache struct {
	mu sync.Mutex
	m  map[string]*moduleEntry
}

type moduleEntry struct {
	once  sync.Once
	mod   *tfmodule.Module
	diags hcl.Diagnostics
}

// NewModuleCache returns an empty cache.
func NewModuleCache() *ModuleCache { return &ModuleCache{m: map[string]*moduleEntry{}} }

// Load returns the module in dir and its diagnostics, reading it on first use.
func (c *ModuleCache) Load(dir string) (*tfmodule.Module, hcl.Diagnostics) {
	dir = filepath.Clean(dir)
	c.mu.Lock()
	e, ok := c.m[dir]
	if !ok {
		e = &moduleEntry{}
		c.m[dir] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.mod, e.diags = tfmodule.Load(dir) })
	return e.mod, e.diags
}
