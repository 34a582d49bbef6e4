output "alarm_ids" {
  description = "Alarm ids by alarm name."
  value       = { for k, a in terraform_data.alarm : k => a.id }
}
