output "key_arns" {
  description = "ARN of every key (local and replica), by domain."
  value = merge(
    { for k, v in aws_kms_key.this : k => v.arn },
    { for k, v in aws_kms_replica_key.this : k => v.arn },
  )
}

output "key_ids" {
  description = "Id of every key (local and replica), by domain."
  value = merge(
    { for k, v in aws_kms_key.this : k => v.key_id },
    { for k, v in aws_kms_replica_key.this : k => v.key_id },
  )
}

output "alias_names" {
  description = "Alias of every key, by domain (alias/<service>-<environment>-<domain>)."
  value = merge(
    { for k, v in aws_kms_alias.this : k => v.name },
    { for k, v in aws_kms_alias.replica : k => v.name },
  )
}
