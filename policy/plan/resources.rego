# The same rules as the unit policies, over what a plan will actually create or change
# (terraform show -json): they catch what module defaults and expressions decide.
package olechka.plan.resources

import data.olechka.lib

changes contains rc if {
	some rc in input.resource_changes
	some a in rc.change.actions
	a in {"create", "update"}
}

after(rc, k) := rc.change.after[k]

known(rc, k) if not rc.change.after_unknown[k] == true

deny contains lib.msg("deletion-protection", rc.address, sprintf("production keeps deletion protection on: %s has deletion_protection = false", [rc.address])) if {
	lib.production
	some rc in changes
	rc.type in {"aws_rds_cluster", "aws_db_instance", "aws_lb", "aws_dynamodb_table"}
	after(rc, "deletion_protection") == false
}

deny contains lib.msg("public-database", rc.address, sprintf("databases are never public: %s has publicly_accessible = true", [rc.address])) if {
	some rc in changes
	rc.type in {"aws_rds_cluster_instance", "aws_db_instance"}
	after(rc, "publicly_accessible") == true
}

deny contains lib.msg("cmk-encryption", rc.address, sprintf("%s is not encrypted (storage_encrypted = false)", [rc.address])) if {
	some rc in changes
	rc.type in {"aws_rds_cluster", "aws_db_instance"}
	after(rc, "storage_encrypted") == false
}

deny contains lib.msg("cmk-encryption", rc.address, sprintf("%s is encrypted without a customer-managed KMS key (kms_key_id unset)", [rc.address])) if {
	some rc in changes
	rc.type in {"aws_rds_cluster", "aws_db_instance", "aws_secretsmanager_secret", "aws_cloudwatch_log_group", "aws_elasticache_replication_group"}
	key := kms_attr[rc.type]
	known(rc, key)
	lib.empty(object.get(rc.change.after, key, null))
}

kms_attr := {
	"aws_rds_cluster": "kms_key_id",
	"aws_db_instance": "kms_key_id",
	"aws_secretsmanager_secret": "kms_key_id",
	"aws_cloudwatch_log_group": "kms_key_id",
	"aws_elasticache_replication_group": "kms_key_id",
}

deny contains lib.msg("backup-retention", rc.address, sprintf("%s keeps backups %d days; tier %q needs at least %d", [rc.address, n, lib.tier, lib.min_backup_retention])) if {
	some rc in changes
	rc.type in {"aws_rds_cluster", "aws_db_instance"}
	n := after(rc, "backup_retention_period")
	is_number(n)
	n < lib.min_backup_retention
}

# Security group ingress open to the world, except the ALB's 80/443.
deny contains lib.msg("world-ingress", rc.address, sprintf("%s opens ports %d-%d to the internet; only the ALB's 80 and 443 may be", [rc.address, r.from_port, r.to_port])) if {
	some rc in changes
	some r in ingress_rules(rc)
	open(r)
	not alb_web(r)
}

ingress_rules(rc) := rc.change.after.ingress if {
	rc.type == "aws_security_group"
	is_array(rc.change.after.ingress)
}

ingress_rules(rc) := [rc.change.after] if {
	rc.type == "aws_security_group_rule"
	rc.change.after.type == "ingress"
}

ingress_rules(rc) := [rc.change.after] if rc.type == "aws_vpc_security_group_ingress_rule"

open(r) if lib.open_to_world(object.get(r, "cidr_blocks", []))

open(r) if lib.open_to_world(object.get(r, "ipv6_cidr_blocks", []))

open(r) if lib.open_to_world(object.get(r, "cidr_ipv4", ""))

open(r) if lib.open_to_world(object.get(r, "cidr_ipv6", ""))

alb_web(r) if {
	lib.is_alb
	lib.web_ports_only(r)
}

# Required tags on everything taggable the plan creates (tags_all includes provider default_tags).
deny contains lib.msg("required-tags", rc.address, sprintf("%s misses required tags: %s", [rc.address, concat(", ", sort(missing))])) if {
	some rc in changes
	known(rc, "tags_all")
	tags := rc.change.after.tags_all
	is_object(tags)
	missing := {t | some t in lib.required_tags; not tags[t]}
	count(missing) > 0
}
