package olechka.unit.tags_test

import data.olechka.unit.tags

full := {"environment": "dev", "service": "ai-tools", "managed-by": "terragrunt", "repository": "github.com/terragrunt-olechka/olechka"}

test_all_tags_pass if {
	count(tags.deny) == 0 with input as {"inputs": {"tags": full}, "olechka": {"path": "u", "module": "vpc"}}
}

test_missing_tag_is_denied if {
	d := tags.deny with input as {"inputs": {"tags": object.remove(full, ["service"])}, "olechka": {"path": "u", "module": "vpc"}}
	some m in d
	contains(m.msg, "service")
}

test_tags_from_several_inputs_merge if {
	i := {"inputs": {"tags": {"service": "x"}, "common_tags": object.remove(full, ["service"])}, "olechka": {"path": "u", "module": "vpc"}}
	count(tags.deny) == 0 with input as i
}

test_no_tags_is_denied if {
	count(tags.deny) == 1 with input as {"inputs": {}, "olechka": {"path": "u", "module": "vpc"}}
}

test_env_hcl_names_required_tags if {
	i := {"inputs": {"tags": {"CostCenter": "42"}}, "olechka": {"path": "u", "module": "vpc", "env_config": {"required_tags": ["CostCenter"]}}}
	count(tags.deny) == 0 with input as i
}
