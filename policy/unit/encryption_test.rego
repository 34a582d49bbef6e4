package olechka.unit.encryption_test

import data.olechka.unit.encryption as enc

unit(module, inputs, variables) := {"inputs": inputs, "olechka": {"path": "u", "tier": "dev", "module": module, "variables": variables}}

test_cmk_given_passes if {
	i := unit("aurora-postgresql", {"kms_key_arn": "arn:aws:kms:eu-central-1:1:key/x"}, {"kms_key_arn": {}})
	count(enc.deny) == 0 with input as i
}

test_empty_cmk_is_denied if {
	i := unit("aurora-postgresql", {}, {"kms_key_arn": {"default": null}})
	count(enc.deny) == 1 with input as i
}

test_encryption_off_is_denied if {
	i := unit("aurora-postgresql", {"kms_key_arn": "k", "storage_encrypted": false}, {"kms_key_arn": {}})
	count(enc.deny) == 1 with input as i
}

test_aws_managed_key_is_denied if {
	i := unit("s3-bucket", {"kms_key_id": "k", "sse_algorithm": "AES256"}, {"kms_key_id": {}})
	count(enc.deny) == 1 with input as i
}

test_stateful_module_without_kms_variable_is_denied if {
	i := unit("elasticache", {}, {"node_type": {}})
	count(enc.deny) == 1 with input as i
}

test_stateless_module_is_ignored if {
	i := unit("ecs-service", {}, {"cpu": {}})
	count(enc.deny) == 0 with input as i
}
