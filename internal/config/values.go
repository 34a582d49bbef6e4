package config

import "github.com/zclconf/go-cty/cty"

// toObject turns a map into an object so values of different types can be merged.
func toObject(v cty.Value) cty.Value {
	if v.IsNull() || !v.IsKnown() || v.Type().IsObjectType() {
		return v
	}
	if v.Type().IsMapType() {
		m := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			m[k.AsString()] = e
		}
		return cty.ObjectVal(m)
	}
	return v
}

// unknownsToEmpty replaces every value not known in v by "", as Terragrunt does with
// the inputs it renders.
func unknownsToEmpty(v cty.Value) cty.Value {
	switch {
	case !v.IsKnown():
		return cty.StringVal("")
	case v.IsNull():
		return v
	case v.Type().IsObjectType() || v.Type().IsMapType():
		m := v.AsValueMap()
		if len(m) == 0 {
			return v
		}
		for k, e := range m {
			m[k] = unknownsToEmpty(e)
		}
		return cty.ObjectVal(m)
	case v.Type().IsTupleType() || v.Type().IsListType() || v.Type().IsSetType():
		l := v.AsValueSlice()
		if len(l) == 0 {
			return v
		}
		for i, e := range l {
			l[i] = unknownsToEmpty(e)
		}
		return cty.TupleVal(l)
	}
	return v
}

// ctyStrings is ss as a list of strings, empty when ss is (cty.ListVal panics on
// no elements).
func ctyStrings(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vs := make([]cty.Value, len(ss))
	for i, x := range ss {
		vs[i] = cty.StringVal(x)
	}
	return cty.ListVal(vs)
}

// ctyOptBool is a bool attribute that may be unset (null).
func ctyOptBool(p *bool) cty.Value {
	if p == nil {
		return cty.NullVal(cty.Bool)
	}
	return cty.BoolVal(*p)
}

// orEmptyObject is v, or an empty object where v is not set.
func orEmptyObject(v cty.Value) cty.Value {
	if v == cty.NilVal {
		return cty.EmptyObjectVal
	}
	return v
}

// orNull is v, or null where v is not set.
func orNull(v cty.Value) cty.Value {
	if v == cty.NilVal {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return v
}
