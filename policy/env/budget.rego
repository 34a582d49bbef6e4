# Each environment stays inside its monthly budget (env.hcl monthly_budget_usd).
package olechka.env.budget

deny contains {"rule": "budget", "field": "monthly_budget_usd", "msg": msg} if {
	b := input.budget_usd
	is_number(b)
	b > 0
	c := input.cost.monthly_usd
	c > b
	msg := sprintf("environment %s is estimated at %s a month, over its budget of %s", [input.env, usd(c), usd(b)])
}

warn contains {"rule": "budget", "field": "monthly_budget_usd", "msg": msg} if {
	b := input.budget_usd
	is_number(b)
	b > 0
	c := input.cost.monthly_usd
	c <= b
	c > 0.8 * b
	msg := sprintf("environment %s is estimated at %s a month, %d%% of its budget of %s", [input.env, usd(c), round((100 * c) / b), usd(b)])
}

warn contains {"rule": "budget", "field": "", "msg": msg} if {
	not input.budget_usd
	input.cost.monthly_usd > 0
	msg := sprintf("environment %s has no monthly_budget_usd in env.hcl (estimate %s a month)", [input.env, usd(input.cost.monthly_usd)])
}

warn contains {"rule": "budget-increase", "field": "", "msg": msg} if {
	d := input.cost.delta_usd
	base := input.cost.base_monthly_usd
	base > 0
	d > 0.2 * base
	msg := sprintf("environment %s's estimate grows by %s a month (+%d%%)", [input.env, usd(d), round((100 * d) / base)])
}

# usd(x) writes an amount with cents: usd(2000) == "$2000.00", usd(12.5) == "$12.50".
usd(x) := sprintf("$%d.%s", [whole, two_digits(c - whole * 100)]) if {
	c := round(x * 100)
	whole := floor(c / 100)
}

two_digits(r) := sprintf("%d", [r]) if r >= 10

two_digits(r) := sprintf("0%d", [r]) if r < 10
