package awssim

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// getAttr returns an object's attribute, or a null value when the object is null,
// unknown or lacks it.
func getAttr(v cty.Value, name string) cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return v.GetAttr(name)
}

// getString returns a known string attribute, or "".
func getString(v cty.Value, name string) string {
	a := getAttr(v, name)
	if a.IsNull() || !a.IsKnown() || a.Type() != cty.String {
		return ""
	}
	return a.AsString()
}

// getStrings returns the known strings of a list or set attribute.
func getStrings(v cty.Value, name string) []string {
	a := getAttr(v, name)
	if a.IsNull() || !a.IsWhollyKnown() || !(a.Type().IsListType() || a.Type().IsSetType()) {
		return nil
	}
	var out []string
	for it := a.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsNull() && e.Type() == cty.String {
			out = append(out, e.AsString())
		}
	}
	return out
}

// getStringMap returns the known entries of a map(string) attribute.
func getStringMap(v cty.Value, name string) map[string]string {
	a := getAttr(v, name)
	if a.IsNull() || !a.IsWhollyKnown() || !a.Type().IsMapType() {
		return nil
	}
	out := map[string]string{}
	for it := a.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if !e.IsNull() && e.Type() == cty.String {
			out[k.AsString()] = e.AsString()
		}
	}
	return out
}

// setAttr returns obj with one attribute replaced.
func setAttr(obj cty.Value, name string, v cty.Value) cty.Value {
	if obj.IsNull() || !obj.IsKnown() || !obj.Type().HasAttribute(name) {
		return obj
	}
	m := obj.AsValueMap()
	if m == nil {
		m = map[string]cty.Value{}
	}
	m[name] = v
	return cty.ObjectVal(m)
}

// digest is a short deterministic hex digest of its parts.
func digest(n int, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	s := hex.EncodeToString(h[:])
	if n > len(s) {
		n = len(s)
	}
	return s[:n]
}

// uuidOf formats a digest as a UUID (version 4 layout).
func uuidOf(parts ...string) string {
	d := digest(32, parts...)
	return d[0:8] + "-" + d[8:12] + "-4" + d[13:16] + "-a" + d[17:20] + "-" + d[20:32]
}

// accountOfARN returns the account field of an ARN.
func accountOfARN(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" {
		return ""
	}
	return f[4]
}

// stringMapVal builds a map(string) value (an empty map when m is empty).
func stringMapVal(m map[string]string) cty.Value {
	if len(m) == 0 {
		return cty.MapValEmpty(cty.String)
	}
	vm := make(map[string]cty.Value, len(m))
	for k, v := range m {
		vm[k] = cty.StringVal(v)
	}
	return cty.MapVal(vm)
}
