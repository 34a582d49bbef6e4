package olechka.unit.network_exposure_test

import data.olechka.unit.network_exposure as nx

unit(module, inputs) := {"inputs": inputs, "olechka": {"path": "u", "tier": "dev", "module": module}}

test_public_database_is_denied if {
	count(nx.deny) == 1 with input as unit("aurora-postgresql", {"publicly_accessible": true})
}

test_private_database_passes if {
	count(nx.deny) == 0 with input as unit("aurora-postgresql", {"publicly_accessible": false})
}

test_alb_80_443_from_the_world_passes if {
	i := unit("alb", {"ingress_rules": [
		{"from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]},
		{"from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0", "::/0"]},
	]})
	count(nx.deny) == 0 with input as i
}

test_alb_other_port_from_the_world_is_denied if {
	i := unit("alb", {"ingress_rules": [{"from_port": 8080, "to_port": 8080, "cidr_blocks": ["0.0.0.0/0"]}]})
	count(nx.deny) == 1 with input as i
}

test_service_open_to_the_world_is_denied if {
	i := unit("ecs-service", {"ingress": {"http": {"port": 443, "cidr_blocks": ["0.0.0.0/0"]}}})
	count(nx.deny) == 1 with input as i
}

test_world_egress_passes if {
	i := unit("ecs-service", {"egress_rules": [{"from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]})
	count(nx.deny) == 0 with input as i
}

test_allowed_cidrs_list_is_checked if {
	count(nx.deny) == 1 with input as unit("elasticache", {"allowed_cidr_blocks": ["10.0.0.0/16", "0.0.0.0/0"]})
	count(nx.deny) == 0 with input as unit("elasticache", {"allowed_cidr_blocks": ["10.0.0.0/16"]})
	count(nx.deny) == 0 with input as unit("alb", {"ingress_cidr_blocks": ["0.0.0.0/0"]})
}

test_all_ports_rule_is_denied_even_on_alb if {
	i := unit("alb", {"ingress_rules": [{"from_port": 0, "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]}]})
	count(nx.deny) == 1 with input as i
}
