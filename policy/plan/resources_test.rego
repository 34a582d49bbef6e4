package olechka.plan.resources_test

import data.olechka.plan.resources

rc(type, after) := {"address": sprintf("%s.this", [type]), "type": type, "change": {"actions": ["create"], "after": after, "after_unknown": {}}}

plan(tier, module, changes) := {"resource_changes": changes, "olechka": {"path": "u", "tier": tier, "module": module}}

tags := {"environment": "production", "service": "ai-tools", "managed-by": "terragrunt", "repository": "github.com/terragrunt-olechka/olechka"}

test_clean_cluster_passes if {
	p := plan("production", "aurora", [rc("aws_rds_cluster", {"deletion_protection": true, "storage_encrypted": true, "kms_key_id": "arn:k", "backup_retention_period": 30, "tags_all": tags})])
	count(resources.deny) == 0 with input as p
}

test_cluster_problems_are_denied if {
	p := plan("production", "aurora", [rc("aws_rds_cluster", {"deletion_protection": false, "storage_encrypted": false, "kms_key_id": null, "backup_retention_period": 1})])
	d := {m.rule | some m in resources.deny} with input as p
	d == {"deletion-protection", "cmk-encryption", "backup-retention"}
}

test_unknown_kms_key_passes if {
	c := {"address": "aws_rds_cluster.this", "type": "aws_rds_cluster", "change": {"actions": ["create"], "after": {"deletion_protection": true, "storage_encrypted": true, "backup_retention_period": 30}, "after_unknown": {"kms_key_id": true}}}
	count(resources.deny) == 0 with input as plan("production", "aurora", [c])
}

test_public_instance_is_denied if {
	count(resources.deny) == 1 with input as plan("dev", "aurora", [rc("aws_rds_cluster_instance", {"publicly_accessible": true})])
}

sg(port) := rc("aws_security_group", {"ingress": [{"from_port": port, "to_port": port, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []}]})

test_world_ingress if {
	count(resources.deny) == 0 with input as plan("dev", "alb", [sg(443)])
	count(resources.deny) == 1 with input as plan("dev", "alb", [sg(22)])
	count(resources.deny) == 1 with input as plan("dev", "ecs-service", [sg(443)])
	count(resources.deny) == 1 with input as plan("dev", "ecs-service", [rc("aws_vpc_security_group_ingress_rule", {"from_port": 5432, "to_port": 5432, "cidr_ipv4": "0.0.0.0/0"})])
}

test_deletes_are_not_judged if {
	c := {"address": "aws_rds_cluster_instance.x", "type": "aws_rds_cluster_instance", "change": {"actions": ["delete"], "after": null}}
	count(resources.deny) == 0 with input as plan("dev", "aurora", [c])
}

test_missing_tags_are_denied if {
	count(resources.deny) == 1 with input as plan("dev", "vpc", [rc("aws_vpc", {"tags_all": {"environment": "dev"}})])
}
