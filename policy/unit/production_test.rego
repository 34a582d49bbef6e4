package olechka.unit.production_test

import data.olechka.unit.production

aurora(tier, inputs) := {
	"inputs": inputs,
	"olechka": {"path": sprintf("%s/eu-central-1/aurora", [tier]), "env": tier, "tier": tier, "module": "aurora-postgresql", "variables": {"deletion_protection": {"default": true}}},
}

rules(set) := {m.rule | some m in set}

test_production_without_deletion_protection_is_denied if {
	"deletion-protection" in rules(production.deny) with input as aurora("production", {"deletion_protection": false, "instance_count": 2})
}

test_production_default_deletion_protection_passes if {
	count(production.deny) == 0 with input as aurora("production", {"instance_count": 2})
}

test_dev_may_drop_deletion_protection if {
	count(production.deny) == 0 with input as aurora("dev", {"deletion_protection": false, "instance_count": 1})
}

test_production_single_instance_is_denied if {
	"multi-az" in rules(production.deny) with input as aurora("production", {"instance_count": 1})
}

test_production_multi_az_false_is_denied if {
	"multi-az" in rules(production.deny) with input as aurora("production", {"instance_count": 3, "multi_az": false})
}

test_production_one_az_is_denied if {
	d := production.deny with input as {"inputs": {"azs": ["eu-central-1a"]}, "olechka": {"path": "p/vpc", "tier": "production", "module": "vpc"}}
	"multi-az" in rules(d)
}

test_production_three_azs_pass if {
	d := production.deny with input as {"inputs": {"azs": ["a", "b", "c"], "single_nat_gateway": false}, "olechka": {"path": "p/vpc", "tier": "production", "module": "vpc"}}
	count(d) == 0
}

test_single_nat_warns_in_production if {
	w := production.warn with input as {"inputs": {"azs": ["a", "b"], "single_nat_gateway": true}, "olechka": {"path": "p/vpc", "tier": "production", "module": "vpc"}}
	"multi-az" in rules(w)
}

test_tier_falls_back_to_env_name if {
	"deletion-protection" in rules(production.deny) with input as {"inputs": {"deletion_protection": false}, "olechka": {"path": "x", "env": "production", "tier": "", "module": "alb"}}
}

test_database_module_without_the_variable_is_denied if {
	d := production.deny with input as {"inputs": {"instance_count": 2}, "olechka": {"path": "x", "tier": "production", "module": "aurora", "variables": {"instance_count": {}}}}
	"deletion-protection" in rules(d)
}

test_production_service_needs_two_tasks if {
	d := production.deny with input as {"inputs": {"desired_count": 1}, "olechka": {"path": "x", "tier": "production", "module": "ecs-service"}}
	"multi-az" in rules(d)
}

test_production_network_needs_two_azs if {
	d := production.deny with input as {"inputs": {"az_count": 1, "nat_gateway_mode": "per_az"}, "olechka": {"path": "p/network", "tier": "production", "module": "network"}}
	"multi-az" in rules(d)
	w := production.warn with input as {"inputs": {"az_count": 3, "nat_gateway_mode": "single"}, "olechka": {"path": "p/network", "tier": "production", "module": "network"}}
	"multi-az" in rules(w)
}
