# Production units keep deletion protection and run across availability zones.
package olechka.unit.production

import data.olechka.lib

deny contains lib.msg("deletion-protection", "inputs.deletion_protection", sprintf("production keeps deletion protection on; %s sets deletion_protection = false", [input.olechka.path])) if {
	lib.production
	lib.value("deletion_protection") == false
}

deny contains lib.msg("deletion-protection", "inputs.skip_final_snapshot", sprintf("production databases keep a final snapshot; %s sets skip_final_snapshot = true", [input.olechka.path])) if {
	lib.production
	lib.value("skip_final_snapshot") == true
}

deny contains lib.msg("deletion-protection", "inputs.force_destroy", sprintf("production buckets cannot be force-destroyed; %s sets force_destroy = true", [input.olechka.path])) if {
	lib.production
	lib.value("force_destroy") == true
}

deny contains lib.msg("deletion-protection", "inputs.deletion_protection", sprintf("production database %s must set deletion_protection = true (its module declares no such variable)", [input.olechka.path])) if {
	lib.production
	lib.is_database
	not lib.has("deletion_protection")
}

warn contains lib.msg("prevent-destroy", "prevent_destroy", sprintf("production stateful unit %s should set prevent_destroy = true", [input.olechka.path])) if {
	lib.production
	lib.is_stateful
	not input.prevent_destroy == true
}

deny contains lib.msg("multi-az", "inputs.multi_az", sprintf("production runs multi-AZ; %s sets multi_az = false", [input.olechka.path])) if {
	lib.production
	lib.value("multi_az") == false
}

# Database clusters: at least a writer and a reader in another AZ.
deny contains lib.msg("multi-az", sprintf("inputs.%s", [name]), sprintf("production databases run at least 2 instances; %s sets %s to %d", [input.olechka.path, name, n])) if {
	lib.production
	lib.is_database
	some name in ["instance_count", "instances_count", "cluster_instances", "replica_count_total"]
	n := count_of(lib.value(name))
	n < 2
}

deny contains lib.msg("multi-az", sprintf("inputs.%s", [name]), sprintf("production caches run at least 2 nodes; %s sets %s to %d", [input.olechka.path, name, n])) if {
	lib.production
	lib.is_cache
	some name in ["num_cache_clusters", "num_cache_nodes", "node_count", "cache_nodes"]
	n := count_of(lib.value(name))
	n < 2
}

deny contains lib.msg("multi-az", sprintf("inputs.%s", [name]), sprintf("production keeps automatic failover on; %s sets %s = false", [input.olechka.path, name])) if {
	lib.production
	some name in ["automatic_failover_enabled", "multi_az_enabled"]
	lib.value(name) == false
}

deny contains lib.msg("multi-az", sprintf("inputs.%s", [name]), sprintf("production spans at least 2 availability zones; %s lists %d", [input.olechka.path, count(lib.value(name))])) if {
	lib.production
	some name in ["azs", "availability_zones"]
	is_array(lib.value(name))
	count(lib.value(name)) < 2
}

deny contains lib.msg("multi-az", "inputs.desired_count", sprintf("production services run at least 2 tasks; %s sets desired_count = %d", [input.olechka.path, lib.value("desired_count")])) if {
	lib.production
	is_number(lib.value("desired_count"))
	lib.value("desired_count") < 2
}

deny contains lib.msg("multi-az", "inputs.az_count", sprintf("production spans at least 2 availability zones; %s sets az_count = %d", [input.olechka.path, lib.value("az_count")])) if {
	lib.production
	is_number(lib.value("az_count"))
	lib.value("az_count") < 2
}

warn contains lib.msg("multi-az", "inputs.nat_gateway_mode", sprintf("production should keep one NAT gateway per AZ; %s sets nat_gateway_mode = %q", [input.olechka.path, lib.value("nat_gateway_mode")])) if {
	lib.production
	lib.value("nat_gateway_mode") == "single"
}

warn contains lib.msg("multi-az", "inputs.single_nat_gateway", sprintf("production should keep one NAT gateway per AZ; %s sets single_nat_gateway = true", [input.olechka.path])) if {
	lib.production
	lib.value("single_nat_gateway") == true
}

count_of(v) := v if is_number(v)

count_of(v) := count(v) if is_array(v)

count_of(v) := count(v) if is_object(v)
