# olechka's trusted settings (docs/security.md#trusted-settings). A plan reads this file
# from the base commit of the change it plans, never from the change: a pull request
# that edits it changes nothing until it is merged.

# Hooks run at plan time only when listed here with exactly their command ({repo} is the
# repository's root folder), or with plan_hooks = true (every hook: a PR could then run
# any command with the plan role's credentials).
plan_hooks = false

# live/_envcommon/monitoring/observability.hcl: the alarm forwarder's deployment zip,
# whose hash the observability module plans with.
plan_hook "package_alarm_forwarder" {
  execute = ["go", "-C", "{repo}", "run", "./cmd/alarm-forwarder/package", "-o", "{repo}/.olechka/dist/alarm-forwarder.zip"]
}
