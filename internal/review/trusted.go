package review

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// Rule is what decides a unit's approval besides its plan: its env and tier, the
// approval setting (env.hcl approval, or the unit's own) and the GitHub environments its
// apply job runs in.
type Rule struct {
	Env                 string `json:"env,omitempty"`
	Tier                string `json:"tier,omitempty"`
	Approval            string `json:"approval,omitempty"`
	Environment         string `json:"environment,omitempty"`
	ApprovalEnvironment string `json:"approval_environment,omitempty"`
}

// RuleOf reads a unit's rule from its evaluated configuration.
func RuleOf(u *config.Unit) Rule {
	a, e, ae := Approval(u)
	return Rule{Env: u.Env, Tier: u.Tier, Approval: a, Environment: e, ApprovalEnvironment: ae}
}

// Trusted are the rules of every unit of a trusted tree: the base commit of a pull
// request, read from git objects (issue 14: a change must not judge itself, so a pull
// request that sets production's approval to "auto" is still gated by the base's
// "manual"). Broken lists units the base has but could not evaluate.
type Trusted struct {
	Source string
	Rules  map[string]Rule
	Broken map[string]bool
}

// TrustedRules reads the rules of every unit of t, the tree at source (e.g. "base
// commit 1a2b3c4d").
func TrustedRules(t *config.Tree, source string) *Trusted {
	tr := &Trusted{Source: source, Rules: map[string]Rule{}, Broken: map[string]bool{}}
	for _, u := range t.Units {
		tr.Rules[u.Path] = RuleOf(u)
	}
	for _, p := range t.Broken {
		tr.Broken[p] = true
	}
	return tr
}

// Enforce replaces each unit's rule with the trusted one and returns a warning for each
// way the change's own rule differs (each also becomes a note in the unit's reasons):
//
//   - a unit the trusted tree has: its rule there;
//   - a new unit: the strictest rule among the trusted units nearest to it (the longest
//     common folder, e.g. production/ for production/eu-central-1/new-unit; a manual
//     rule wins over an automatic one);
//   - a unit with no trusted neighbour (a new env), or one the trusted tree has but
//     cannot evaluate: approval = manual.
func (t *Trusted) Enforce(units []Unit, p Policy) []string {
	p = p.withDefaults()
	var warnings []string
	for i := range units {
		u := &units[i]
		own := Rule{Env: u.Env, Tier: u.Tier, Approval: u.Approval, Environment: u.Environment, ApprovalEnvironment: u.ApprovalEnvironment}
		rule, ok := t.Rules[u.Path]
		from := t.Source
		switch {
		case ok:
		case t.Broken[u.Path]:
			rule = Rule{Env: own.Env, Tier: own.Tier, Approval: ApprovalManual}
			from = t.Source + " (where the unit does not evaluate: approval is manual)"
		default:
			var near string
			rule, near, ok = t.nearest(u.Path, p)
			if ok {
				from = fmt.Sprintf("%s, the strictest rule of its units under %s/ (the unit is new)", t.Source, near)
			} else {
				rule = Rule{Env: own.Env, Tier: own.Tier, Approval: ApprovalManual}
				from = t.Source + " (no unit near it there, a new env: approval is manual)"
			}
		}
		for _, d := range diffRules(own, rule) {
			w := fmt.Sprintf("%s: this change sets %s; the rules that judge it come from %s, so it takes effect once merged", u.Path, d, from)
			warnings = append(warnings, w)
			u.Notes = append(u.Notes, "review rule changed by this change: "+d+" (not applied: the base's rule judges it)")
		}
		u.Env, u.Tier, u.Approval, u.Environment, u.ApprovalEnvironment = rule.Env, rule.Tier, rule.Approval, rule.Environment, rule.ApprovalEnvironment
		u.Trusted = true
	}
	return warnings
}

// nearest returns the strictest rule among the trusted units sharing the longest
// folder prefix with unit (at least one folder), and that prefix.
func (t *Trusted) nearest(unit string, p Policy) (Rule, string, bool) {
	best := 0
	var cands []string
	for q := range t.Rules {
		n := commonDirs(unit, q)
		switch {
		case n == 0 || n < best:
		case n > best:
			best, cands = n, []string{q}
		default:
			cands = append(cands, q)
		}
	}
	if best == 0 {
		return Rule{}, "", false
	}
	sort.Strings(cands)
	pick := cands[0]
	for _, q := range cands {
		if t.manual(t.Rules[q], p) {
			pick = q
			break
		}
	}
	return t.Rules[pick], strings.Join(strings.Split(unit, "/")[:best], "/"), true
}

func (t *Trusted) manual(r Rule, p Policy) bool {
	switch strings.ToLower(strings.TrimSpace(r.Approval)) {
	case ApprovalAuto:
		return false
	case "":
		return p.manualTier(r.Tier) || (r.Tier == "" && p.manualTier(r.Env))
	}
	return true
}

// commonDirs counts the leading folders two unit paths share (a unit's own name is not
// a folder of it).
func commonDirs(a, b string) int {
	as, bs := strings.Split(path.Dir(a), "/"), strings.Split(path.Dir(b), "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] && as[n] != "." {
		n++
	}
	return n
}

// diffRules describes how own differs from trusted, one phrase per field.
func diffRules(own, trusted Rule) []string {
	var out []string
	add := func(name, o, t string) {
		if o != t {
			out = append(out, fmt.Sprintf("%s = %s (the base has %s)", name, quoteOrUnset(o), quoteOrUnset(t)))
		}
	}
	add("approval", own.Approval, trusted.Approval)
	add("tier", own.Tier, trusted.Tier)
	add("env", own.Env, trusted.Env)
	add("github_environment", own.Environment, trusted.Environment)
	add("github_approval_environment", own.ApprovalEnvironment, trusted.ApprovalEnvironment)
	return out
}

func quoteOrUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return fmt.Sprintf("%q", s)
}
