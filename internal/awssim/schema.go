// Package awssim is a simulated AWS provider: a provider plugin (protocol 5, the
// one hashicorp/aws serves) that serves the real aws provider's schema, extracted
// offline from its prebuilt bindings (package internal/validate/schema), and
// simulates AWS behind it without ever talking to AWS:
//
//   - OpenTofu validates configurations against the served schema itself;
//   - plans mark unset computed attributes unknown, derive tags_all from the
//     provider's default_tags and replace resources when an argument known to force
//     replacement changes;
//   - applies fill unknowns with deterministic ids, ARNs and endpoints in AWS's
//     formats, derived from the type, the resource's name, the region and the account;
//   - reads return what was applied, changed by an out-of-band drift file
//     (see Drift) when one is named;
//   - the data sources modules depend on have real semantics (policy documents,
//     partition, region, caller identity, availability zones, ELB account ids...),
//     the rest a deterministic fallback.
//
// Every plan and apply carries a warning that AWS is simulated. docs/simulator.md
// says what is simulated and what is not.
package awssim

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

// maxRecursion is how many times a recursive block (wafv2 statements) is unrolled in
// the served schema; deeper levels are served empty.
const maxRecursion = 3

// typeSchema is one resource or data source type as served: the protocol schema, its
// value type and the source schema it came from.
type typeSchema struct {
	name  string
	block *schema.Block
	proto *tfprotov5.Schema
	ty    cty.Type
}

func newTypeSchema(name string, b *schema.Block) (*typeSchema, error) {
	pb, ty, err := protoBlock(b, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &typeSchema{name: name, block: b, proto: &tfprotov5.Schema{Block: pb}, ty: ty}, nil
}

// protoBlock converts a source block into the protocol's block and its cty type.
// stack holds the enclosing blocks for recursive references.
func protoBlock(b *schema.Block, stack []*schema.Block) (*tfprotov5.SchemaBlock, cty.Type, error) {
	stack = append(stack, b)
	pb := &tfprotov5.SchemaBlock{}
	atys := map[string]cty.Type{}
	for _, n := range slices.Sorted(maps.Keys(b.Attributes)) {
		a := b.Attributes[n]
		ty, err := attrType(a, stack)
		if err != nil {
			return nil, cty.NilType, fmt.Errorf("attribute %s: %w", n, err)
		}
		tt, err := toTF(ty)
		if err != nil {
			return nil, cty.NilType, fmt.Errorf("attribute %s: %w", n, err)
		}
		pa := &tfprotov5.SchemaAttribute{
			Name: n, Type: tt, Required: a.Required, Optional: a.Optional, Computed: a.Computed,
			Sensitive: a.Sensitive, WriteOnly: a.WriteOnly,
		}
		if !a.Required && !a.Optional && !a.Computed {
			pa.Optional = true
		}
		if pa.Required && pa.Computed {
			pa.Computed = false
		}
		pb.Attributes = append(pb.Attributes, pa)
		atys[n] = ty
	}
	for _, n := range slices.Sorted(maps.Keys(b.Blocks)) {
		nb := b.Blocks[n]
		body := nb.Body()
		if nb.Recursive > 0 && recursionDepth(stack, body) >= maxRecursion {
			body = &schema.Block{}
		}
		cb, cty0, err := protoBlock(body, stack)
		if err != nil {
			return nil, cty.NilType, fmt.Errorf("block %s: %w", n, err)
		}
		pnb := &tfprotov5.SchemaNestedBlock{TypeName: n, Block: cb, MinItems: int64(nb.MinItems), MaxItems: int64(nb.MaxItems)}
		switch nb.Nesting {
		case "single":
			pnb.Nesting = tfprotov5.SchemaNestedBlockNestingModeSingle
			pnb.MinItems, pnb.MaxItems = 0, 0
			atys[n] = cty0
		case "set":
			pnb.Nesting = tfprotov5.SchemaNestedBlockNestingModeSet
			atys[n] = cty.Set(cty0)
		default:
			pnb.Nesting = tfprotov5.SchemaNestedBlockNestingModeList
			atys[n] = cty.List(cty0)
		}
		pb.BlockTypes = append(pb.BlockTypes, pnb)
	}
	return pb, cty.Object(atys), nil
}

func recursionDepth(stack []*schema.Block, b *schema.Block) int {
	n := 0
	for _, s := range stack {
		if s == b {
			n++
		}
	}
	return n
}

// attrType is an attribute's cty type: its type string, with object types taken from
// the nested schema.
func attrType(a *schema.Attribute, stack []*schema.Block) (cty.Type, error) {
	if obj := a.Object(); obj != nil || a.Recursive > 0 {
		var ot cty.Type
		if obj == nil || recursionDepth(stack, obj) >= maxRecursion {
			ot = cty.EmptyObject
		} else {
			_, t, err := protoBlock(obj, stack)
			if err != nil {
				return cty.NilType, err
			}
			ot = t
		}
		switch a.Nesting {
		case "single":
			return ot, nil
		case "set":
			return cty.Set(ot), nil
		case "map":
			return cty.Map(ot), nil
		default:
			return cty.List(ot), nil
		}
	}
	return parseType(a.Type)
}

// parseType reads the schema's type strings: string, number, bool, any,
// list(T), set(T), map(T).
func parseType(s string) (cty.Type, error) {
	switch s {
	case "string", "":
		return cty.String, nil
	case "number":
		return cty.Number, nil
	case "bool":
		return cty.Bool, nil
	case "any":
		return cty.DynamicPseudoType, nil
	}
	for _, c := range []string{"list", "set", "map"} {
		if strings.HasPrefix(s, c+"(") && strings.HasSuffix(s, ")") {
			et, err := parseType(s[len(c)+1 : len(s)-1])
			if err != nil {
				return cty.NilType, err
			}
			switch c {
			case "list":
				return cty.List(et), nil
			case "set":
				return cty.Set(et), nil
			default:
				return cty.Map(et), nil
			}
		}
	}
	return cty.NilType, fmt.Errorf("unknown type %q", s)
}

// toTF converts a cty type into the protocol's type.
func toTF(t cty.Type) (tftypes.Type, error) {
	switch {
	case t == cty.String:
		return tftypes.String, nil
	case t == cty.Number:
		return tftypes.Number, nil
	case t == cty.Bool:
		return tftypes.Bool, nil
	case t == cty.DynamicPseudoType:
		return tftypes.DynamicPseudoType, nil
	case t.IsListType(), t.IsSetType(), t.IsMapType():
		et, err := toTF(t.ElementType())
		if err != nil {
			return nil, err
		}
		switch {
		case t.IsListType():
			return tftypes.List{ElementType: et}, nil
		case t.IsSetType():
			return tftypes.Set{ElementType: et}, nil
		default:
			return tftypes.Map{ElementType: et}, nil
		}
	case t.IsObjectType():
		ats := map[string]tftypes.Type{}
		for n, at := range t.AttributeTypes() {
			tt, err := toTF(at)
			if err != nil {
				return nil, err
			}
			ats[n] = tt
		}
		return tftypes.Object{AttributeTypes: ats}, nil
	}
	return nil, fmt.Errorf("unsupported type %s", t.FriendlyName())
}
