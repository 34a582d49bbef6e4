# No database is reachable from the internet, and nothing but the ALB's 80/443 is open
# to 0.0.0.0/0.
package olechka.unit.network_exposure

import data.olechka.lib

deny contains lib.msg("public-database", "inputs.publicly_accessible", sprintf("databases are never public; %s sets publicly_accessible = true", [input.olechka.path])) if {
	lib.value("publicly_accessible") == true
}

deny contains lib.msg("public-database", sprintf("inputs.%s", [name]), sprintf("databases are never public; %s sets %s = true", [input.olechka.path, name])) if {
	lib.is_database
	some name in ["public", "associate_public_ip_address"]
	input.inputs[name] == true
}

cidr_keys := {"cidr_blocks", "cidr_block", "cidr_ipv4", "cidr_ipv6", "ipv6_cidr_blocks", "cidrs", "source_cidrs"}

# Ingress rule objects nested anywhere in the inputs: {cidr_blocks = [...], from_port, to_port}.
deny contains lib.msg("world-ingress", sprintf("inputs.%s", [top]), sprintf("%s opens %s to 0.0.0.0/0 (%s); only the ALB's ports 80 and 443 may be", [input.olechka.path, ports_text(r), concat(".", [sprintf("%v", [x]) | some x in path])])) if {
	walk(input.inputs, [path, r])
	is_object(r)
	some k in cidr_keys
	lib.open_to_world(r[k])
	not egress(path)
	not allowed(r)
	top := path[0]
}

# Lists of CIDRs allowed in, by name (allowed_cidr_blocks, ingress_cidr_blocks...).
deny contains lib.msg("world-ingress", sprintf("inputs.%s", [name]), sprintf("%s allows 0.0.0.0/0 in through %s; only the ALB's ports 80 and 443 may be", [input.olechka.path, name])) if {
	some name, v in input.inputs
	regex.match(`(?i)(ingress|allowed|inbound|source).*cidr`, name)
	lib.open_to_world(v)
	not lib.is_alb
}

egress(path) if {
	some p in path
	is_string(p)
	regex.match(`(?i)egress|outbound`, p)
}

allowed(r) if {
	lib.is_alb
	lib.web_ports_only(r)
}

ports_text(r) := "every port" if {
	lib.rule_ports(r) == {-1}
} else := concat(",", [sprintf("%d", [p]) | some p in sort_ports(lib.rule_ports(r))])

sort_ports(s) := sort([p | some p in s])
