package extract

import "github.com/terragrunt-olechka/olechka/internal/validate/schema"

// The bindings type the WAFv2 rule statement as `any` (its real schema is nested too
// deeply for them), which no provider schema may hold inside a set block. overlay
// serves the statement as the nested block it is in hashicorp/aws 6.66.0, written
// from the provider's documentation (aws_wafv2_web_acl and aws_wafv2_rule_group,
// "Statement"): the leaf statements with their arguments, and and/or/not statements
// holding one more level of leaf statements. Statement kinds left out (regex,
// size-constraint, sqli, xss, the scope-down statements) are a known gap, listed in
// docs/simulator.md.
func overlay(s *schema.Schema) {
	for _, typ := range []string{"aws_wafv2_web_acl", "aws_wafv2_rule_group"} {
		r := s.Resources[typ]
		if r == nil {
			continue
		}
		rule := r.Blocks["rule"]
		if rule == nil {
			continue
		}
		if a := rule.Attributes["statement"]; a == nil || a.Type != "any" {
			continue
		}
		delete(rule.Attributes, "statement")
		if rule.Blocks == nil {
			rule.Blocks = map[string]*schema.NestedBlock{}
		}
		rule.Blocks["statement"] = &schema.NestedBlock{Nesting: "list", MinItems: 1, MaxItems: 1, Block: statementBlock(true)}
	}
}

func attr(typ string, required bool) *schema.Attribute {
	return &schema.Attribute{Type: typ, Required: required, Optional: !required}
}

func one(b schema.Block, required bool) *schema.NestedBlock {
	nb := &schema.NestedBlock{Nesting: "list", MaxItems: 1, Block: b}
	if required {
		nb.MinItems = 1
	}
	return nb
}

func empty() schema.Block { return schema.Block{} }

// statementBlock is a WAFv2 statement; nested adds and/or/not statements, whose inner
// statements are leaf statements.
func statementBlock(nested bool) schema.Block {
	action := schema.Block{Blocks: map[string]*schema.NestedBlock{
		"allow": one(empty(), false), "block": one(empty(), false), "count": one(empty(), false),
		"captcha": one(empty(), false), "challenge": one(empty(), false),
	}}
	override := &schema.NestedBlock{Nesting: "list", MaxItems: 100, Block: schema.Block{
		Attributes: map[string]*schema.Attribute{"name": attr("string", true)},
		Blocks:     map[string]*schema.NestedBlock{"action_to_use": one(action, true)},
	}}
	fieldToMatch := schema.Block{Blocks: map[string]*schema.NestedBlock{
		"all_query_arguments": one(empty(), false), "method": one(empty(), false),
		"query_string": one(empty(), false), "uri_path": one(empty(), false),
		"single_header":         one(schema.Block{Attributes: map[string]*schema.Attribute{"name": attr("string", true)}}, false),
		"single_query_argument": one(schema.Block{Attributes: map[string]*schema.Attribute{"name": attr("string", true)}}, false),
		"body":                  one(schema.Block{Attributes: map[string]*schema.Attribute{"oversize_handling": attr("string", false)}}, false),
	}}
	textTransformation := &schema.NestedBlock{Nesting: "set", MinItems: 1, Block: schema.Block{Attributes: map[string]*schema.Attribute{
		"priority": attr("number", true), "type": attr("string", true),
	}}}
	b := schema.Block{Blocks: map[string]*schema.NestedBlock{
		"managed_rule_group_statement": one(schema.Block{
			Attributes: map[string]*schema.Attribute{"name": attr("string", true), "vendor_name": attr("string", true), "version": attr("string", false)},
			Blocks:     map[string]*schema.NestedBlock{"rule_action_override": override},
		}, false),
		"rule_group_reference_statement": one(schema.Block{
			Attributes: map[string]*schema.Attribute{"arn": attr("string", true)},
			Blocks:     map[string]*schema.NestedBlock{"rule_action_override": override},
		}, false),
		"rate_based_statement": one(schema.Block{
			Attributes: map[string]*schema.Attribute{
				"limit": attr("number", true), "aggregate_key_type": attr("string", false), "evaluation_window_sec": attr("number", false),
			},
			Blocks: map[string]*schema.NestedBlock{"forwarded_ip_config": one(schema.Block{Attributes: map[string]*schema.Attribute{
				"fallback_behavior": attr("string", true), "header_name": attr("string", true),
			}}, false)},
		}, false),
		"geo_match_statement":        one(schema.Block{Attributes: map[string]*schema.Attribute{"country_codes": attr("list(string)", true)}}, false),
		"ip_set_reference_statement": one(schema.Block{Attributes: map[string]*schema.Attribute{"arn": attr("string", true)}}, false),
		"label_match_statement":      one(schema.Block{Attributes: map[string]*schema.Attribute{"key": attr("string", true), "scope": attr("string", true)}}, false),
		"byte_match_statement": one(schema.Block{
			Attributes: map[string]*schema.Attribute{"positional_constraint": attr("string", true), "search_string": attr("string", true)},
			Blocks:     map[string]*schema.NestedBlock{"field_to_match": one(fieldToMatch, false), "text_transformation": textTransformation},
		}, false),
	}}
	if nested {
		inner := statementBlock(false)
		b.Blocks["and_statement"] = one(schema.Block{Blocks: map[string]*schema.NestedBlock{"statement": {Nesting: "list", MinItems: 2, Block: inner}}}, false)
		b.Blocks["or_statement"] = one(schema.Block{Blocks: map[string]*schema.NestedBlock{"statement": {Nesting: "list", MinItems: 2, Block: inner}}}, false)
		b.Blocks["not_statement"] = one(schema.Block{Blocks: map[string]*schema.NestedBlock{"statement": {Nesting: "list", MinItems: 1, MaxItems: 1, Block: inner}}}, false)
	}
	return b
}
