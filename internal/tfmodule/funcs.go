package tfmodule

import (
	"fmt"
	"net"
	"strings"

	"github.com/apparentlymart/go-cidr/cidr"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"github.com/zclconf/go-cty/cty/gocty"
)

// Functions returns the subset of OpenTofu's function library that validation conditions
// in this repository use (strings, collections, numbers, regex, cidr, can/try). A condition
// calling anything else fails with "Call to unknown function", which tests report.
func Functions() map[string]function.Function {
	return map[string]function.Function{
		"abs":         stdlib.AbsoluteFunc,
		"alltrue":     allTrueFunc,
		"anytrue":     anyTrueFunc,
		"can":         tryfunc.CanFunc,
		"ceil":        stdlib.CeilFunc,
		"cidrhost":    cidrHostFunc,
		"cidrnetmask": cidrNetmaskFunc,
		"cidrsubnet":  cidrSubnetFunc,
		"coalesce":    stdlib.CoalesceFunc,
		"compact":     stdlib.CompactFunc,
		"concat":      stdlib.ConcatFunc,
		"contains":    stdlib.ContainsFunc,
		"distinct":    stdlib.DistinctFunc,
		"endswith":    endsWithFunc,
		"flatten":     stdlib.FlattenFunc,
		"floor":       stdlib.FloorFunc,
		"format":      stdlib.FormatFunc,
		"join":        stdlib.JoinFunc,
		"keys":        stdlib.KeysFunc,
		"length":      lengthFunc,
		"lookup":      stdlib.LookupFunc,
		"lower":       stdlib.LowerFunc,
		"max":         stdlib.MaxFunc,
		"merge":       stdlib.MergeFunc,
		"min":         stdlib.MinFunc,
		"regex":       stdlib.RegexFunc,
		"regexall":    stdlib.RegexAllFunc,
		"replace":     stdlib.ReplaceFunc,
		"split":       stdlib.SplitFunc,
		"startswith":  startsWithFunc,
		"strcontains": strContainsFunc,
		"substr":      stdlib.SubstrFunc,
		"tolist":      conversion(cty.List(cty.DynamicPseudoType)),
		"tomap":       conversion(cty.Map(cty.DynamicPseudoType)),
		"tonumber":    conversion(cty.Number),
		"toset":       conversion(cty.Set(cty.DynamicPseudoType)),
		"tostring":    conversion(cty.String),
		"trimspace":   stdlib.TrimSpaceFunc,
		"try":         tryfunc.TryFunc,
		"upper":       stdlib.UpperFunc,
		"values":      stdlib.ValuesFunc,
	}
}

func conversion(ty cty.Type) function.Function {
	return stdlib.MakeToFunc(ty)
}

// lengthFunc is OpenTofu's length: strings count characters, collections count elements.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true, AllowMarked: true}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if v.Type() == cty.String {
			return stdlib.Strlen(v)
		}
		if !v.CanIterateElements() {
			return cty.UnknownVal(cty.Number), fmt.Errorf("argument must be a string, a collection type, or a structural type")
		}
		return v.Length(), nil
	},
})

func boolsFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				if !v.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if v.IsNull() {
					if all {
						return cty.False, nil
					}
					continue
				}
				if v.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

var (
	allTrueFunc = boolsFunc(true)
	anyTrueFunc = boolsFunc(false)
)

func stringPairFunc(names [2]string, f func(a, b string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: names[0], Type: cty.String}, {Name: names[1], Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = stringPairFunc([2]string{"str", "prefix"}, strings.HasPrefix)
	endsWithFunc    = stringPairFunc([2]string{"str", "suffix"}, strings.HasSuffix)
	strContainsFunc = stringPairFunc([2]string{"str", "substr"}, strings.Contains)
)

func parseCIDR(s string) (*net.IPNet, error) {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		return nil, fmt.Errorf("invalid CIDR expression: %w", err)
	}
	return n, nil
}

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		var num int
		if err := gocty.FromCtyValue(args[1], &num); err != nil {
			return cty.UnknownVal(cty.String), err
		}
		ip, err := cidr.Host(n, num)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(ip.String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		if n.IP.To4() == nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("IPv6 addresses cannot have a netmask: %s", args[0].AsString())
		}
		return cty.StringVal(net.IP(n.Mask).String()), nil
	},
})

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		var bits, num int
		if err := gocty.FromCtyValue(args[1], &bits); err != nil {
			return cty.UnknownVal(cty.String), err
		}
		if err := gocty.FromCtyValue(args[2], &num); err != nil {
			return cty.UnknownVal(cty.String), err
		}
		sub, err := cidr.Subnet(n, bits, num)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(sub.String()), nil
	},
})
