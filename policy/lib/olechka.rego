# Helpers shared by olechka's policies. Policies read units through these, so the
# names of inputs and modules in the live tree are mapped in one place.
package olechka.lib

# The unit's tier: inputs.tier, then env.hcl's tier, then the environment's name.
tier := t if {
	t := input.olechka.tier
	t != ""
} else := t if {
	t := input.olechka.env_config.tier
	is_string(t)
	t != ""
} else := object.get(input.olechka, "env", "")

production if tier in {"production", "prod"}

# Minimum backup retention in days per tier, unless env.hcl sets backup_retention_days.
default_backup_retention := {"dev": 1, "staging": 7, "production": 30, "prod": 30}

min_backup_retention := n if {
	n := input.olechka.env_config.backup_retention_days
	is_number(n)
} else := n if {
	n := default_backup_retention[tier]
} else := 1

# Tags every unit must carry: env.hcl's required_tags, else the tags live/root.hcl sets.
required_tags := t if {
	t := {x | some x in input.olechka.env_config.required_tags}
	count(t) > 0
} else := {"environment", "service", "managed-by", "repository"}

module := object.get(input.olechka, "module", "")

# value(name) is what the module variable will hold: the input if the unit sets it,
# otherwise the module variable's default.
value(name) := v if {
	v := input.inputs[name]
} else := v if {
	v := input.olechka.variables[name]["default"]
}

# has(name): the unit sets the input or the module declares the variable.
has(name) if {
	some n, _ in input.inputs
	n == name
}

has(name) if input.olechka.variables[name]

empty(v) if v == null

empty(v) if v == ""

# Kinds of module, by name.
is_database if regex.match(`(?i)(aurora|rds|postgres|mysql|database|(^|[-_])db([-_]|$))`, module)

is_cache if regex.match(`(?i)(elasticache|redis|valkey|memcache|(^|[-_])cache([-_]|$))`, module)

is_alb if regex.match(`(?i)(^|[-_/])(alb|lb|load[-_]?balancer)([-_]|$)`, module)

is_network if regex.match(`(?i)(^|[-_])(vpc|network|networking)([-_]|$)`, module)

is_service if regex.match(`(?i)(ecs|fargate|service|compute)`, module)

is_bucket if regex.match(`(?i)(^|[-_])(s3|bucket|storage)([-_]|$)`, module)

is_stateful if is_database

is_stateful if is_cache

is_stateful if is_bucket

# The message shape policies return.
msg(rule, field, text) := {"rule": rule, "field": field, "msg": text}

world_cidrs := {"0.0.0.0/0", "::/0"}

# open_to_world(x): a list or string of CIDRs includes the whole internet.
open_to_world(x) if {
	is_array(x)
	some c in x
	c in world_cidrs
}

open_to_world(x) if {
	is_string(x)
	x in world_cidrs
}

# web_ports_only(rule): an ingress rule object only opens 80 and/or 443.
web_ports_only(r) if {
	ports := rule_ports(r)
	count(ports) > 0
	every p in ports {
		p in {80, 443}
	}
}

rule_ports(r) := {r.port} if {
	is_number(r.port)
} else := {p | some p in numbers.range(r.from_port, r.to_port)} if {
	is_number(r.from_port)
	is_number(r.to_port)
	r.to_port - r.from_port < 1024
} else := {-1}
