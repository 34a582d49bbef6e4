# Data at rest is encrypted with customer-managed KMS keys.
package olechka.unit.encryption

import data.olechka.lib

kms_pattern := `(?i)^(.*_)?kms_(master_)?key(_arn|_id)?$`

deny contains lib.msg("cmk-encryption", sprintf("inputs.%s", [name]), sprintf("%s turns encryption off (%s = false)", [input.olechka.path, name])) if {
	some name in ["storage_encrypted", "encrypted", "at_rest_encryption_enabled", "transit_encryption_enabled", "encryption_enabled"]
	lib.value(name) == false
}

deny contains lib.msg("cmk-encryption", sprintf("inputs.%s", [name]), sprintf("%s encrypts with an AWS-managed key (%s = %q); use a customer-managed KMS key", [input.olechka.path, name, lib.value(name)])) if {
	some name in ["sse_algorithm", "server_side_encryption"]
	lib.value(name) == "AES256"
}

# A module that takes a KMS key must be given one.
deny contains lib.msg("cmk-encryption", sprintf("inputs.%s", [name]), sprintf("%s leaves %s empty; stateful data is encrypted with a customer-managed key", [input.olechka.path, name])) if {
	lib.is_stateful
	some name in kms_names
	lib.empty(lib.value(name))
}

# A stateful module that takes no KMS key at all cannot encrypt with one.
deny contains lib.msg("cmk-encryption", "inputs", sprintf("%s stores data but its module takes no KMS key variable", [input.olechka.path])) if {
	lib.is_stateful
	count(input.olechka.variables) > 0
	count(kms_names) == 0
}

kms_names contains name if {
	some name, _ in input.inputs
	regex.match(kms_pattern, name)
}

kms_names contains name if {
	some name, _ in input.olechka.variables
	regex.match(kms_pattern, name)
}
