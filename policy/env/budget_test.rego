package olechka.env.budget_test

import data.olechka.env.budget

test_over_budget_is_denied if {
	count(budget.deny) == 1 with input as {"env": "dev", "budget_usd": 500, "cost": {"monthly_usd": 650.5}}
}

test_under_budget_passes if {
	count(budget.deny) == 0 with input as {"env": "dev", "budget_usd": 500, "cost": {"monthly_usd": 100}}
	count(budget.warn) == 0 with input as {"env": "dev", "budget_usd": 500, "cost": {"monthly_usd": 100}}
}

test_near_budget_warns if {
	count(budget.warn) == 1 with input as {"env": "dev", "budget_usd": 500, "cost": {"monthly_usd": 450}}
}

test_no_budget_warns if {
	count(budget.warn) == 1 with input as {"env": "dev", "cost": {"monthly_usd": 450}}
}

test_growth_warns if {
	i := {"env": "dev", "budget_usd": 5000, "cost": {"monthly_usd": 1500, "base_monthly_usd": 1000, "delta_usd": 500}}
	count(budget.warn) == 1 with input as i
}

test_money_format if {
	budget.usd(2000) == "$2000.00"
	budget.usd(12.5) == "$12.50"
	budget.usd(2506.519) == "$2506.52"
	budget.usd(0.07) == "$0.07"
}

test_over_budget_message if {
	some m in budget.deny with input as {"env": "production", "budget_usd": 2000, "cost": {"monthly_usd": 2506.52}}
	m.msg == "environment production is estimated at $2506.52 a month, over its budget of $2000.00"
}
