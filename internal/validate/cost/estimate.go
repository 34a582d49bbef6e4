package cost

import (
	"encoding/json"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/terragrunt-olechka/olechka/internal/hclnest"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
)

// Mapping says what modules and plan resources cost, as expressions (mapping.hcl).
type Mapping struct {
	Modules   []*moduleRule
	Resources map[string]*resourceRule
	funcs     map[string]function.Function
}

type moduleRule struct {
	Name  string
	Match []string
	Items []*itemRule
}

type resourceRule struct {
	Type  string
	Items []*itemRule
}

type itemRule struct {
	Name     string
	Price    hcl.Expression
	Quantity hcl.Expression
	Note     string
}

// DefaultMapping returns the embedded mapping.hcl.
func DefaultMapping() (*Mapping, error) {
	b, err := embedded.ReadFile("mapping.hcl")
	if err != nil {
		return nil, err
	}
	m, diags := ParseMapping(b, "mapping.hcl")
	if diags.HasErrors() {
		return nil, diags
	}
	return m, nil
}

// ParseMapping reads a mapping file; diagnostics carry file:line.
func ParseMapping(src []byte, filename string) (*Mapping, hcl.Diagnostics) {
	f, diags := hclnest.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	body := f.Body.(*hclsyntax.Body)
	m := &Mapping{Resources: map[string]*resourceRule{}, funcs: tfmodule.Functions()}
	for name := range body.Attributes {
		a := body.Attributes[name]
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unexpected attribute",
			Detail: fmt.Sprintf("%q is not expected at the top of a cost mapping", name), Subject: a.NameRange.Ptr()})
	}
	for _, b := range body.Blocks {
		if len(b.Labels) != 1 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Block needs one label",
				Subject: b.TypeRange.Ptr()})
			continue
		}
		items, d := parseItems(b.Body)
		diags = append(diags, d...)
		switch b.Type {
		case "module":
			mr := &moduleRule{Name: b.Labels[0], Items: items}
			if a, ok := b.Body.Attributes["match"]; ok {
				v, d := a.Expr.Value(nil)
				diags = append(diags, d...)
				if !d.HasErrors() {
					var list []string
					if lv, err := convert.Convert(v, cty.List(cty.String)); err == nil && !lv.IsNull() {
						for _, s := range lv.AsValueSlice() {
							list = append(list, s.AsString())
						}
					} else {
						diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "match must be a list of strings", Subject: a.Expr.Range().Ptr()})
					}
					mr.Match = list
				}
			} else {
				mr.Match = []string{b.Labels[0]}
			}
			m.Modules = append(m.Modules, mr)
		case "resource":
			m.Resources[b.Labels[0]] = &resourceRule{Type: b.Labels[0], Items: items}
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unexpected block",
				Detail: fmt.Sprintf("a cost mapping holds module and resource blocks, not %q", b.Type), Subject: b.TypeRange.Ptr()})
		}
	}
	return m, diags
}

func parseItems(body *hclsyntax.Body) ([]*itemRule, hcl.Diagnostics) {
	var items []*itemRule
	var diags hcl.Diagnostics
	for _, b := range body.Blocks {
		if b.Type != "item" || len(b.Labels) != 1 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Expected item \"NAME\" blocks", Subject: b.TypeRange.Ptr()})
			continue
		}
		it := &itemRule{Name: b.Labels[0]}
		for name, a := range b.Body.Attributes {
			switch name {
			case "price":
				it.Price = a.Expr
			case "quantity":
				it.Quantity = a.Expr
			case "note":
				v, d := a.Expr.Value(nil)
				diags = append(diags, d...)
				if !d.HasErrors() && v.Type() == cty.String {
					it.Note = v.AsString()
				}
			default:
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unexpected attribute",
					Detail: fmt.Sprintf("an item has price, quantity and note, not %q", name), Subject: a.NameRange.Ptr()})
			}
		}
		if it.Price == nil || it.Quantity == nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Item needs price and quantity", Subject: b.TypeRange.Ptr()})
			continue
		}
		items = append(items, it)
	}
	return items, diags
}

// module returns the rule matching a module name, or nil.
func (m *Mapping) module(name string) *moduleRule {
	if name == "" {
		return nil
	}
	for _, r := range m.Modules {
		for _, g := range r.Match {
			if ok, _ := path.Match(g, name); ok {
				return r
			}
		}
	}
	return nil
}

// Estimator prices units.
type Estimator struct {
	Catalog *Catalog
	Mapping *Mapping
}

// NewEstimator returns an estimator with the embedded catalog and mapping.
func NewEstimator() (*Estimator, error) {
	c, err := DefaultCatalog()
	if err != nil {
		return nil, err
	}
	m, err := DefaultMapping()
	if err != nil {
		return nil, err
	}
	return &Estimator{Catalog: c, Mapping: m}, nil
}

// UnitInput is what a unit's estimate starts from.
type UnitInput struct {
	Path, Env, Region, Module string
	// Inputs are the unit's inputs over its module variables' defaults (an object).
	Inputs cty.Value
	// Plan, when not nil, prices the unit from its planned resources instead.
	Plan *tfjson.Plan
}

// Unit estimates one unit's monthly cost.
func (e *Estimator) Unit(in UnitInput) UnitCost {
	uc := UnitCost{Path: in.Path, Env: in.Env, Region: in.Region, Module: in.Module, Source: "none"}
	if _, ok := e.Catalog.Regions[in.Region]; !ok {
		if in.Region == "" {
			uc.Unpriced = append(uc.Unpriced, "the unit names no region")
		} else {
			uc.Unpriced = append(uc.Unpriced, fmt.Sprintf("no prices for region %s in the catalog", in.Region))
		}
		return uc
	}
	hours := cty.NumberFloatVal(e.Catalog.HoursPerMonth)
	if in.Plan != nil {
		uc.Source = "plan"
		e.fromPlan(&uc, in.Plan, hours)
	} else if r := e.Mapping.module(in.Module); r != nil {
		uc.Source = "inputs"
		inputs := in.Inputs
		if inputs == cty.NilVal || inputs.IsNull() {
			inputs = cty.EmptyObjectVal
		}
		ctx := &hcl.EvalContext{
			Variables: map[string]cty.Value{"inputs": inputs, "hours": hours},
			Functions: e.Mapping.funcs,
		}
		for _, it := range r.Items {
			e.price(&uc, it, ctx, "")
		}
	}
	var total float64
	for _, it := range uc.Items {
		total += it.Monthly
	}
	uc.Monthly = round2(total)
	return uc
}

func (e *Estimator) price(uc *UnitCost, it *itemRule, ctx *hcl.EvalContext, resource string) {
	label := it.Name
	if resource != "" {
		label = resource + ": " + it.Name
	}
	key, diags := it.Price.Value(ctx)
	if diags.HasErrors() || !key.IsWhollyKnown() || key.IsNull() || key.Type() != cty.String {
		uc.Unpriced = append(uc.Unpriced, fmt.Sprintf("%s: price key: %s", label, exprProblem(diags, key)))
		return
	}
	q, diags := it.Quantity.Value(ctx)
	if !diags.HasErrors() && q.IsWhollyKnown() && !q.IsNull() {
		q, _ = convert.Convert(q, cty.Number)
	}
	if diags.HasErrors() || q == cty.NilVal || !q.IsWhollyKnown() || q.IsNull() || q.Type() != cty.Number {
		uc.Unpriced = append(uc.Unpriced, fmt.Sprintf("%s: quantity: %s", label, exprProblem(diags, q)))
		return
	}
	qty, _ := q.AsBigFloat().Float64()
	if qty == 0 {
		return
	}
	p, ok := e.Catalog.Price(uc.Region, key.AsString())
	if !ok {
		uc.Unpriced = append(uc.Unpriced, fmt.Sprintf("%s: no price %q for %s in the catalog", label, key.AsString(), uc.Region))
		return
	}
	uc.Items = append(uc.Items, Item{Name: it.Name, Resource: resource, PriceKey: key.AsString(),
		Quantity: math.Round(qty*1000) / 1000, UnitPrice: p, Monthly: round2(qty * p), Note: it.Note})
}

func exprProblem(diags hcl.Diagnostics, v cty.Value) string {
	if diags.HasErrors() {
		d := diags.Errs()[0].(*hcl.Diagnostic)
		if d.Detail != "" {
			return d.Detail
		}
		return d.Summary
	}
	if v == cty.NilVal || v.IsNull() {
		return "null"
	}
	if !v.IsWhollyKnown() {
		return "unknown until apply"
	}
	return "wrong type " + v.Type().FriendlyName()
}

// planResource is one planned resource.
type planResource struct {
	Address string
	Type    string
	Values  map[string]any
}

func planResources(p *tfjson.Plan) []planResource {
	var out []planResource
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r.Mode != tfjson.ManagedResourceMode {
				continue
			}
			out = append(out, planResource{Address: r.Address, Type: r.Type, Values: r.AttributeValues})
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	if p.PlannedValues != nil {
		walk(p.PlannedValues.RootModule)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

func (e *Estimator) fromPlan(uc *UnitCost, p *tfjson.Plan, hours cty.Value) {
	res := planResources(p)
	var tasks []cty.Value
	for _, r := range res {
		if r.Type == "aws_ecs_task_definition" {
			tasks = append(tasks, toCty(r.Values))
		}
	}
	taskList := cty.EmptyTupleVal
	if len(tasks) > 0 {
		taskList = cty.TupleVal(tasks)
	}
	for _, r := range res {
		rule := e.Mapping.Resources[r.Type]
		if rule == nil {
			continue
		}
		ctx := &hcl.EvalContext{
			Variables: map[string]cty.Value{"values": toCty(r.Values), "hours": hours, "task_definitions": taskList},
			Functions: e.Mapping.funcs,
		}
		for _, it := range rule.Items {
			e.price(uc, it, ctx, r.Address)
		}
	}
}

// toCty turns JSON-shaped data into a cty value (objects, tuples, numbers...).
func toCty(v any) cty.Value {
	if v == nil {
		return cty.EmptyObjectVal
	}
	b, err := json.Marshal(v)
	if err != nil {
		return cty.EmptyObjectVal
	}
	return JSONToCty(b)
}

// JSONToCty decodes JSON into a cty value of its implied type (cty.EmptyObjectVal when
// it cannot).
func JSONToCty(b []byte) cty.Value {
	t, err := ctyjson.ImpliedType(b)
	if err != nil {
		return cty.EmptyObjectVal
	}
	v, err := ctyjson.Unmarshal(b, t)
	if err != nil {
		return cty.EmptyObjectVal
	}
	return v
}

// HasModule reports whether the mapping prices a module name.
func (m *Mapping) HasModule(name string) bool { return m.module(strings.TrimSpace(name)) != nil }
