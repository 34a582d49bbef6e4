package olechka.unit.backup_test

import data.olechka.unit.backup

db(tier, inputs, env_config) := {
	"inputs": inputs,
	"olechka": {"path": "u", "tier": tier, "module": "aurora-postgresql", "env_config": env_config},
}

test_short_retention_in_production_is_denied if {
	count(backup.deny) == 1 with input as db("production", {"backup_retention_period": 7}, {})
}

test_tier_retention_passes if {
	count(backup.deny) == 0 with input as db("production", {"backup_retention_period": 30}, {})
}

test_env_hcl_sets_the_minimum if {
	count(backup.deny) == 1 with input as db("staging", {"backup_retention_period": 7}, {"backup_retention_days": 14})
	count(backup.deny) == 0 with input as db("staging", {"backup_retention_period": 14}, {"backup_retention_days": 14})
}

test_dev_one_day_passes if {
	count(backup.deny) == 0 with input as db("dev", {"backup_retention_period": 1}, {})
}

test_module_default_counts if {
	i := {"inputs": {}, "olechka": {"path": "u", "tier": "production", "module": "aurora", "variables": {"backup_retention_period": {"default": 35}}}}
	count(backup.deny) == 0 with input as i
}

test_database_without_retention_is_denied if {
	count(backup.deny) == 1 with input as db("production", {}, {})
}

test_non_stateful_units_are_ignored if {
	count(backup.deny) == 0 with input as {"inputs": {"retention_days": 0}, "olechka": {"path": "u", "tier": "production", "module": "vpc"}}
}
