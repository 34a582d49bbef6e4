# Backups are kept at least as long as the tier asks (env.hcl backup_retention_days,
# else 1 day in dev, 7 in staging, 30 in production).
package olechka.unit.backup

import data.olechka.lib

retention_inputs := ["backup_retention_period", "backup_retention_days", "snapshot_retention_limit", "snapshot_retention_days", "retention_days"]

deny contains lib.msg("backup-retention", sprintf("inputs.%s", [name]), sprintf("%s keeps backups %d days; tier %q needs at least %d", [input.olechka.path, n, lib.tier, lib.min_backup_retention])) if {
	lib.is_stateful
	some name in retention_inputs
	n := lib.value(name)
	is_number(n)
	n < lib.min_backup_retention
}

deny contains lib.msg("backup-retention", "inputs", sprintf("database %s sets no backup retention (backup_retention_period); tier %q needs at least %d days", [input.olechka.path, lib.tier, lib.min_backup_retention])) if {
	lib.is_database
	lib.tier != ""
	not has_retention
}

has_retention if {
	some name in retention_inputs
	is_number(lib.value(name))
}
