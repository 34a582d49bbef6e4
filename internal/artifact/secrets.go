package artifact

import (
	"encoding/json"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/redact"
)

// SensitiveValues returns the string and number leaves of every sensitive value in plan
// JSON (tofu show -json): change before/after under before_sensitive/after_sensitive,
// state values under sensitive_values, outputs marked sensitive, root variables
// declared sensitive. The plan stage adds them to the unit's redact.Set, so that they are
// masked wherever else they appear (the readable plan, logs, an error message).
func SensitiveValues(b []byte) []string {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["before_sensitive"]; ok {
				out = append(out, sensitiveLeaves(x["before"], s)...)
			}
			if s, ok := x["after_sensitive"]; ok {
				out = append(out, sensitiveLeaves(x["after"], s)...)
			}
			if s, ok := x["sensitive_values"]; ok {
				out = append(out, sensitiveLeaves(x["values"], s)...)
			}
			if isTrue(x["sensitive"]) {
				out = append(out, redact.Leaves(x["value"])...)
			}
			for k, e := range x {
				if k != "before_sensitive" && k != "after_sensitive" && k != "sensitive_values" {
					walk(e)
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	if vars, ok := doc["variables"].(map[string]any); ok {
		cfgVars := dig(doc, "configuration", "root_module", "variables")
		for name, v := range vars {
			decl, _ := cfgVars[name].(map[string]any)
			if vm, ok := v.(map[string]any); ok && decl != nil && isTrue(decl["sensitive"]) {
				out = append(out, redact.Leaves(vm["value"])...)
			}
		}
	}
	return out
}

// sensitiveLeaves returns the leaves of v that sensitive (v's shape, true at sensitive
// leaves, or true whole) marks.
func sensitiveLeaves(v, sensitive any) []string {
	if isTrue(sensitive) {
		return redact.Leaves(v)
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		sm, _ := sensitive.(map[string]any)
		for k, e := range x {
			out = append(out, sensitiveLeaves(e, sm[k])...)
		}
	case []any:
		sl, _ := sensitive.([]any)
		for i, e := range x {
			if i < len(sl) {
				out = append(out, sensitiveLeaves(e, sl[i])...)
			}
		}
	}
	return out
}
