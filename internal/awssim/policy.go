package awssim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
)

// policyDoc is an IAM policy document as aws_iam_policy_document renders it. Field
// order is the provider's: Version, Id, Statement; Sid, Effect, Action, NotAction,
// Resource, NotResource, Principal, NotPrincipal, Condition.
type policyDoc struct {
	Version    string             `json:"Version,omitempty"`
	ID         string             `json:"Id,omitempty"`
	Statements []*policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid           string                    `json:"Sid,omitempty"`
	Effect        string                    `json:"Effect,omitempty"`
	Actions       any                       `json:"Action,omitempty"`
	NotActions    any                       `json:"NotAction,omitempty"`
	Resources     any                       `json:"Resource,omitempty"`
	NotResources  any                       `json:"NotResource,omitempty"`
	Principals    any                       `json:"Principal,omitempty"`
	NotPrincipals any                       `json:"NotPrincipal,omitempty"`
	Conditions    map[string]map[string]any `json:"Condition,omitempty"`
}

type renderedPolicy struct{ indented, minified string }

// stringOrList renders a set of strings the provider's way: one value as a string,
// several as a list in reverse lexical order; none as nothing.
func stringOrList(vals []string) any {
	switch len(vals) {
	case 0:
		return nil
	case 1:
		return vals[0]
	}
	out := append([]string(nil), vals...)
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out
}

// policyDocument renders an aws_iam_policy_document configuration: source documents
// first, then its own statements (replacing source statements with the same Sid),
// then override documents (replacing by Sid, else appended).
func policyDocument(cfg cty.Value) (renderedPolicy, error) {
	doc := &policyDoc{Version: "2012-10-17"}
	if v := getString(cfg, "version"); v != "" {
		doc.Version = v
	}
	doc.ID = getString(cfg, "policy_id")
	for _, src := range getStrings(cfg, "source_policy_documents") {
		var d policyDoc
		if err := json.Unmarshal([]byte(src), &d); err != nil {
			return renderedPolicy{}, fmt.Errorf("source_policy_documents: %w", err)
		}
		doc.Statements = mergeStatements(doc.Statements, d.Statements)
	}
	own, err := statementsOf(cfg)
	if err != nil {
		return renderedPolicy{}, err
	}
	doc.Statements = mergeStatements(doc.Statements, own)
	for _, ov := range getStrings(cfg, "override_policy_documents") {
		var d policyDoc
		if err := json.Unmarshal([]byte(ov), &d); err != nil {
			return renderedPolicy{}, fmt.Errorf("override_policy_documents: %w", err)
		}
		doc.Statements = mergeStatements(doc.Statements, d.Statements)
	}
	if doc.Statements == nil {
		doc.Statements = []*policyStatement{}
	}
	ind, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return renderedPolicy{}, err
	}
	var min bytes.Buffer
	if err := json.Compact(&min, ind); err != nil {
		return renderedPolicy{}, err
	}
	return renderedPolicy{indented: string(ind), minified: min.String()}, nil
}

// mergeStatements adds statements, a statement with the Sid of an earlier one
// replacing it in place.
func mergeStatements(base, add []*policyStatement) []*policyStatement {
	for _, s := range add {
		replaced := false
		if s.Sid != "" {
			for i, b := range base {
				if b.Sid == s.Sid {
					base[i] = s
					replaced = true
					break
				}
			}
		}
		if !replaced {
			base = append(base, s)
		}
	}
	return base
}

func statementsOf(cfg cty.Value) ([]*policyStatement, error) {
	st := getAttr(cfg, "statement")
	if st.IsNull() || !st.IsKnown() {
		return nil, nil
	}
	var out []*policyStatement
	for it := st.ElementIterator(); it.Next(); {
		_, s := it.Element()
		ps := &policyStatement{Sid: getString(s, "sid"), Effect: getString(s, "effect")}
		if ps.Effect == "" {
			ps.Effect = "Allow"
		}
		ps.Actions = stringOrList(getStrings(s, "actions"))
		ps.NotActions = stringOrList(getStrings(s, "not_actions"))
		ps.Resources = stringOrList(getStrings(s, "resources"))
		ps.NotResources = stringOrList(getStrings(s, "not_resources"))
		ps.Principals = principals(getAttr(s, "principals"))
		ps.NotPrincipals = principals(getAttr(s, "not_principals"))
		conds := getAttr(s, "condition")
		if !conds.IsNull() && conds.IsKnown() && conds.LengthInt() > 0 {
			ps.Conditions = map[string]map[string]any{}
			for ci := conds.ElementIterator(); ci.Next(); {
				_, c := ci.Element()
				test, variable := getString(c, "test"), getString(c, "variable")
				if ps.Conditions[test] == nil {
					ps.Conditions[test] = map[string]any{}
				}
				vals := getStrings(c, "values")
				if prev, ok := ps.Conditions[test][variable]; ok {
					vals = append(asStrings(prev), vals...)
				}
				ps.Conditions[test][variable] = stringOrList(vals)
			}
		}
		out = append(out, ps)
	}
	return out, nil
}

// principals renders principal blocks: {"Type": ids}, or "*" for the anonymous
// principal (type "*" with identifier "*").
func principals(v cty.Value) any {
	if v.IsNull() || !v.IsKnown() || v.LengthInt() == 0 {
		return nil
	}
	m := map[string][]string{}
	for it := v.ElementIterator(); it.Next(); {
		_, p := it.Element()
		typ := getString(p, "type")
		m[typ] = append(m[typ], getStrings(p, "identifiers")...)
	}
	if ids, ok := m["*"]; ok && len(m) == 1 && len(ids) == 1 && ids[0] == "*" {
		return "*"
	}
	out := map[string]any{}
	for t, ids := range m {
		out[t] = stringOrList(ids)
	}
	return out
}

func asStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	}
	return nil
}
