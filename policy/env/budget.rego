# Each environment stays inside its monthly budget (env.hcl monthly_budget_usd).
package olechka.env.budget

deny contains {"rule": "budget", "field": "monthly_budget_usd", "msg": msg} if {
	b := input.budget_usd
	is_number(b)
	b > 0
	c := input.cost.monthly_usd
	c > b
	msg := sprintf("environment %s is estimated at $%.2f a month, over its budget of $%.2f", [input.env, c, b])
}

warn contains {"rule": "budget", "field": "monthly_budget_usd", "msg": msg} if {
	b := input.budget_usd
	is_number(b)
	b > 0
	c := input.cost.monthly_usd
	c <= b
	c > 0.8 * b
	msg := sprintf("environment %s is estimated at $%.2f a month, %.0f%% of its budget of $%.2f", [input.env, c, (100 * c) / b, b])
}

warn contains {"rule": "budget", "field": "", "msg": msg} if {
	not input.budget_usd
	input.cost.monthly_usd > 0
	msg := sprintf("environment %s has no monthly_budget_usd in env.hcl (estimate $%.2f a month)", [input.env, input.cost.monthly_usd])
}

warn contains {"rule": "budget-increase", "field": "", "msg": msg} if {
	d := input.cost.delta_usd
	base := input.cost.base_monthly_usd
	base > 0
	d > 0.2 * base
	msg := sprintf("environment %s's estimate grows by $%.2f a month (+%.0f%%)", [input.env, d, (100 * d) / base])
}
