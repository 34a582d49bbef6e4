// Package tfmodule reads an OpenTofu/Terraform module's interface (variables, outputs,
// resources) from its .tf files with hcl/v2, without running OpenTofu. Tests and checks use
// it to match a unit's inputs against the variables its module declares, and to evaluate
// variable validation blocks offline.
package tfmodule

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
	"github.com/zclconf/go-cty/cty"
)

// Module is the interface of one module folder.
type Module struct {
	Dir       string
	Files     []string // the .tf files read, absolute, sorted
	Variables map[string]*Variable
	Outputs   map[string]*Output
	Resources []*Resource // managed resources and data sources, in file order
}

// Variable is one variable block.
type Variable struct {
	Name        string
	Description string
	Type        cty.Type // cty.DynamicPseudoType when the block has no type
	// TypeDefaults holds the defaults of optional(...) object attributes, if any.
	TypeDefaults *typeexpr.Defaults
	Default      cty.Value // cty.NilVal when there is no default
	Required     bool      // no default attribute
	Sensitive    bool
	Nullable     bool // true unless nullable = false
	Validations  []*Validation
	Range        hcl.Range // the block's definition range
}

// Validation is one validation block of a variable.
type Validation struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	Range        hcl.Range
}

// Output is one output block.
type Output struct {
	Name        string
	Description string
	Sensitive   bool
	Range       hcl.Range
}

// Resource is one resource or data block.
type Resource struct {
	Mode  string // "resource" or "data"
	Type  string // e.g. aws_s3_bucket
	Name  string
	Range hcl.Range
}

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "ephemeral", LabelNames: []string{"type", "name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "terraform"},
		{Type: "moved"},
		{Type: "import"},
		{Type: "removed"},
		{Type: "check", LabelNames: []string{"name"}},
	},
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "type"},
		{Name: "default"},
		{Name: "sensitive"},
		{Name: "nullable"},
		{Name: "ephemeral"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

var outputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "sensitive"},
	},
}

// Load reads every *.tf file of dir (not its subfolders). Diagnostics carry file:line:col;
// the Module is returned even when there are errors, holding what could be read.
func Load(dir string) (*Module, hcl.Diagnostics) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid module folder", Detail: err.Error()}}
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read module folder", Detail: err.Error()}}
	}
	m := &Module{Dir: abs, Variables: map[string]*Variable{}, Outputs: map[string]*Output{}}
	parser := hclparse.NewParser()
	var diags hcl.Diagnostics
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		path := filepath.Join(abs, e.Name())
		m.Files = append(m.Files, path)
		src, err := os.ReadFile(path)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read module file", Detail: err.Error()})
			continue
		}
		if d := hclnest.Check(src, path, hcl.InitialPos); d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		f, d := parser.ParseHCL(src, path)
		diags = append(diags, d...)
		if f == nil {
			continue
		}
		diags = append(diags, m.readFile(f.Body)...)
	}
	sort.Strings(m.Files)
	if len(m.Files) == 0 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No module files",
			Detail: fmt.Sprintf("%s holds no .tf file", abs)})
	}
	return m, diags
}

func (m *Module) readFile(body hcl.Body) hcl.Diagnostics {
	content, _, diags := body.PartialContent(fileSchema)
	if content == nil {
		return diags
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			v, d := decodeVariable(b)
			diags = append(diags, d...)
			if prev, dup := m.Variables[v.Name]; dup {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate variable",
					Detail: fmt.Sprintf("variable %q was already declared at %s", v.Name, prev.Range), Subject: b.DefRange.Ptr()})
				continue
			}
			m.Variables[v.Name] = v
		case "output":
			o, d := decodeOutput(b)
			diags = append(diags, d...)
			if prev, dup := m.Outputs[o.Name]; dup {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate output",
					Detail: fmt.Sprintf("output %q was already declared at %s", o.Name, prev.Range), Subject: b.DefRange.Ptr()})
				continue
			}
			m.Outputs[o.Name] = o
		case "resource", "data":
			m.Resources = append(m.Resources, &Resource{Mode: b.Type, Type: b.Labels[0], Name: b.Labels[1], Range: b.DefRange})
		}
	}
	return diags
}

func decodeVariable(b *hcl.Block) (*Variable, hcl.Diagnostics) {
	v := &Variable{Name: b.Labels[0], Type: cty.DynamicPseudoType, Required: true, Nullable: true, Range: b.DefRange}
	content, diags := b.Body.Content(variableSchema)
	if content == nil {
		return v, diags
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeString(a, &v.Description)...)
	}
	if a, ok := content.Attributes["type"]; ok {
		ty, defaults, d := typeexpr.TypeConstraintWithDefaults(a.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			v.Type, v.TypeDefaults = ty, defaults
		}
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeBool(a, &v.Sensitive)...)
	}
	if a, ok := content.Attributes["nullable"]; ok {
		diags = append(diags, decodeBool(a, &v.Nullable)...)
	}
	if a, ok := content.Attributes["default"]; ok {
		v.Required = false
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if !val.IsNull() && v.Type != cty.DynamicPseudoType {
				conv, err := v.Convert(val)
				if err != nil {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid default value for variable",
						Detail:  fmt.Sprintf("This default value is not compatible with the variable's type constraint: %s.", err),
						Subject: a.Expr.Range().Ptr()})
				} else {
					val = conv
				}
			}
			v.Default = val
		}
	}
	for _, vb := range content.Blocks {
		vc, d := vb.Body.Content(validationSchema)
		diags = append(diags, d...)
		if vc == nil || vc.Attributes["condition"] == nil || vc.Attributes["error_message"] == nil {
			continue
		}
		v.Validations = append(v.Validations, &Validation{
			Condition:    vc.Attributes["condition"].Expr,
			ErrorMessage: vc.Attributes["error_message"].Expr,
			Range:        vb.DefRange,
		})
	}
	return v, diags
}

func decodeOutput(b *hcl.Block) (*Output, hcl.Diagnostics) {
	o := &Output{Name: b.Labels[0], Range: b.DefRange}
	content, _, diags := b.Body.PartialContent(outputSchema)
	if content == nil {
		return o, diags
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeString(a, &o.Description)...)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeBool(a, &o.Sensitive)...)
	}
	return o, diags
}

func decodeString(a *hcl.Attribute, target *string) hcl.Diagnostics {
	val, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	if val.IsNull() || !val.IsKnown() || val.Type() != cty.String {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + a.Name,
			Detail: "A string is required.", Subject: a.Expr.Range().Ptr()})
	}
	*target = val.AsString()
	return diags
}

func decodeBool(a *hcl.Attribute, target *bool) hcl.Diagnostics {
	val, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	if val.IsNull() || !val.IsKnown() || val.Type() != cty.Bool {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + a.Name,
			Detail: "A bool is required.", Subject: a.Expr.Range().Ptr()})
	}
	*target = val.True()
	return diags
}

// RequiredVariables returns the names of the variables without a default, sorted.
func (m *Module) RequiredVariables() []string {
	var names []string
	for n, v := range m.Variables {
		if v.Required {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
