// Package review decides, per planned unit, how its plan may be applied:
//
//   - blocked: the plan failed or was skipped, a policy denies it, the plan is stale
//     (the unit's configuration changed since it was planned), or a dependency is
//     blocked. Nothing is applied.
//   - manual: someone must approve first. The tier says so (approval = "manual" in
//     env.hcl), or the plan deletes or replaces resources (manual in every tier), or
//     the unit is being removed.
//   - auto: applied without a human.
//
// For each decision it names the GitHub environment the apply job runs in (the tier's
// environment; a manual gate in an auto tier uses the tier's approval environment,
// which has required reviewers) and the OIDC roles the plan and apply jobs assume.
package review

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// Gate is a review decision.
type Gate string

// The gates, from most to least restrictive.
const (
	Blocked Gate = "blocked"
	Manual  Gate = "manual"
	Auto    Gate = "auto"
)

// Approval values in env.hcl.
const (
	ApprovalAuto   = "auto"
	ApprovalManual = "manual"
)

// Policy names what the decisions depend on besides the units themselves.
type Policy struct {
	// PlanRoleName and ApplyRoleName are the IAM role names the github-oidc module
	// creates in every account (its plan_role_name / apply_role_name outputs).
	PlanRoleName, ApplyRoleName string
	// ApprovalSuffix names the protected environment that manual gates in auto tiers
	// run in: "<env><suffix>", e.g. dev-approval.
	ApprovalSuffix string
	// ManualTiers are tiers whose approval defaults to manual when env.hcl does not
	// set it.
	ManualTiers []string
	// BlockingChecks are the finding checks whose errors block a unit (default: policy).
	BlockingChecks []string
	// Partition is the AWS partition of the role ARNs (default aws).
	Partition string
}

// Defaults for Policy.
const (
	DefaultPlanRoleName   = "github-actions-plan"
	DefaultApplyRoleName  = "github-actions-apply"
	DefaultApprovalSuffix = "-approval"
)

// DefaultPolicy returns the project's policy.
func DefaultPolicy() Policy {
	return Policy{
		PlanRoleName: DefaultPlanRoleName, ApplyRoleName: DefaultApplyRoleName,
		ApprovalSuffix: DefaultApprovalSuffix, ManualTiers: []string{"production", "prod"},
		BlockingChecks: []string{"policy"}, Partition: "aws",
	}
}

func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.PlanRoleName == "" {
		p.PlanRoleName = d.PlanRoleName
	}
	if p.ApplyRoleName == "" {
		p.ApplyRoleName = d.ApplyRoleName
	}
	if p.ApprovalSuffix == "" {
		p.ApprovalSuffix = d.ApprovalSuffix
	}
	if p.ManualTiers == nil {
		p.ManualTiers = d.ManualTiers
	}
	if p.BlockingChecks == nil {
		p.BlockingChecks = d.BlockingChecks
	}
	if p.Partition == "" {
		p.Partition = d.Partition
	}
	return p
}

// Unit is what review knows of one planned unit.
type Unit struct {
	Path      string
	Env       string
	Tier      string
	AccountID string
	// Approval is the tier's approval setting from env.hcl: auto, manual, or "" (unset).
	Approval string
	// Environment and ApprovalEnvironment override the GitHub environment names.
	Environment, ApprovalEnvironment string
	// Plan is the unit's plan artifact; nil means it was not planned.
	Plan *artifact.Plan
	// Fingerprint is the unit's configuration fingerprint now; "" skips the staleness
	// check. Removed units (action destroy) are never stale by fingerprint.
	Fingerprint string
	// Head is the commit being reviewed; "" skips the commit check.
	Head string
	// Findings are validate's findings for this unit.
	Findings []finding.Finding
	// Notes are added to the decision's reasons (Trusted.Enforce: a rule this change
	// tried to change).
	Notes []string
	// Trusted: Env, Tier and the approval settings come from a trusted tree
	// (Trusted.Enforce); the plan's own metadata does not fill them in.
	Trusted bool
}

// Decision is review's verdict on one unit.
type Decision struct {
	Unit        string          `json:"unit"`
	Env         string          `json:"env,omitempty"`
	Tier        string          `json:"tier,omitempty"`
	AccountID   string          `json:"account_id,omitempty"`
	Action      string          `json:"action"`
	Wave        int             `json:"wave"`
	Gate        Gate            `json:"gate"`
	Reasons     []string        `json:"reasons"`
	HasChanges  bool            `json:"has_changes"`
	Counts      artifact.Counts `json:"counts"`
	Destructive bool            `json:"destructive,omitempty"`
	Stateful    []string        `json:"stateful_destroys,omitempty"`
	Mocks       []string        `json:"mocks,omitempty"`
	DependsOn   []string        `json:"depends_on,omitempty"`
	// Environment is the GitHub environment the apply job runs in.
	Environment  string `json:"environment"`
	PlanRoleARN  string `json:"plan_role_arn,omitempty"`
	ApplyRoleARN string `json:"apply_role_arn,omitempty"`
	// Reviewed is the plan this decision is about, as the review read it; apply
	// applies a unit only when its plan still matches (see internal/apply).
	Reviewed *Reviewed `json:"reviewed,omitempty"`
}

// Reviewed identifies the reviewed plan of a unit: the digests of its artifact files
// (binary plan, plan JSON, metadata, summary, provider locks) as the review job read
// them, and the state the plan was made against.
type Reviewed struct {
	Digests map[string]string `json:"digests"`
	State   artifact.StateRef `json:"state"`
	Commit  string            `json:"commit,omitempty"`
}

// RoleARN builds arn:<partition>:iam::<account>:role/<name>; "" without an account.
func RoleARN(partition, account, name string) string {
	if account == "" || name == "" {
		return ""
	}
	if partition == "" {
		partition = "aws"
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, name)
}

func (p Policy) blocking(check string) bool {
	for _, c := range p.BlockingChecks {
		if c == check {
			return true
		}
	}
	return false
}

func (p Policy) manualTier(tier string) bool {
	for _, t := range p.ManualTiers {
		if strings.EqualFold(t, tier) {
			return true
		}
	}
	return false
}

// Decide reviews every unit. Decisions come back in wave order, then by path.
func Decide(units []Unit, p Policy) []Decision {
	p = p.withDefaults()
	out := make([]Decision, 0, len(units))
	for _, u := range units {
		out = append(out, decide(u, p))
	}
	propagate(out)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Wave != out[j].Wave {
			return out[i].Wave < out[j].Wave
		}
		return out[i].Unit < out[j].Unit
	})
	return out
}

func decide(u Unit, p Policy) Decision {
	d := Decision{Unit: u.Path, Env: u.Env, Tier: u.Tier, AccountID: u.AccountID, Action: artifact.ActionPlan}
	var blocked []string
	if u.Plan == nil {
		blocked = append(blocked, "not planned")
	} else {
		blocked = d.fromPlan(u)
	}
	blocked = append(blocked, p.denials(u.Findings)...)
	manual, tierManual := d.manualReasons(u, p)

	switch {
	case len(blocked) > 0:
		d.Gate, d.Reasons = Blocked, blocked
	case !d.HasChanges && u.Plan != nil:
		d.Gate, d.Reasons = Auto, []string{"no changes"}
	case len(manual) > 0:
		d.Gate, d.Reasons = Manual, manual
	default:
		d.Gate, d.Reasons = Auto, []string{fmt.Sprintf("tier %s applies automatically", orDash(d.Tier, d.Env))}
	}
	d.Reasons = append(d.Reasons, u.Notes...)
	d.setEnvironment(u, p, tierManual)
	d.PlanRoleARN = RoleARN(p.Partition, d.AccountID, p.PlanRoleName)
	d.ApplyRoleARN = RoleARN(p.Partition, d.AccountID, p.ApplyRoleName)
	return d
}

// fromPlan fills in what the unit's plan says (action, wave, counts, what it destroys,
// the reviewed digests) and returns the reasons the plan blocks the unit: it failed or
// was skipped, is stale, its files changed since planning, or it was made at another
// commit.
func (d *Decision) fromPlan(u Unit) []string {
	var blocked []string
	m := u.Plan.Metadata
	d.Action, d.Wave, d.DependsOn, d.Mocks = m.Action, m.Wave, m.DependsOn, m.Mocks()
	if d.Env == "" && !u.Trusted {
		d.Env = m.Env
	}
	if d.Tier == "" && !u.Trusted {
		d.Tier = m.Tier
	}
	if d.AccountID == "" {
		d.AccountID = m.AccountID
	}
	switch m.Status {
	case artifact.StatusFailed:
		blocked = append(blocked, "the plan failed: "+artifact.FirstLineCut(m.Error, 300))
	case artifact.StatusSkipped:
		blocked = append(blocked, "not planned: dependency "+m.SkippedBecause+" failed")
	}
	if s := u.Plan.Summary; s != nil {
		d.HasChanges = s.HasChanges
		d.Counts = s.Counts()
		for _, r := range s.Resources {
			if r.Destructive() {
				d.Destructive = true
				if r.Stateful {
					d.Stateful = append(d.Stateful, r.Address)
				}
			}
		}
	} else if m.Status == artifact.StatusPlanned {
		d.HasChanges = m.HasChanges
	}
	if u.Fingerprint != "" && m.Action != artifact.ActionDestroy && m.Fingerprint != "" && m.Fingerprint != u.Fingerprint {
		blocked = append(blocked, staleReason(len(m.Simulated) > 0))
	}
	// A plan read from a folder (every plan but a test's) is checked against the
	// digests it recorded.
	if m.Status == artifact.StatusPlanned && u.Plan.Dir != "" {
		problems, now, err := u.Plan.Check()
		switch {
		case err != nil:
			blocked = append(blocked, "the plan's files could not be read: "+err.Error())
		case len(problems) > 0:
			blocked = append(blocked, "the plan artifact is not what was planned: "+strings.Join(problems, "; "))
		default:
			d.Reviewed = &Reviewed{Digests: now.Files, State: m.State, Commit: m.Commit}
		}
	}
	if u.Head != "" && m.Commit != "" && m.Commit != u.Head {
		blocked = append(blocked, fmt.Sprintf("the plan was made at commit %s, not at %s; plan again",
			artifact.ShortCommit(m.Commit), artifact.ShortCommit(u.Head)))
	}
	return blocked
}

// denials are the reasons the unit's findings block it: errors of a blocking check.
func (p Policy) denials(fs []finding.Finding) []string {
	var blocked []string
	for _, f := range fs {
		if f.Level == finding.Error && p.blocking(f.Check) {
			where := ""
			if f.File != "" {
				where = " (" + f.File
				if f.Line > 0 {
					where += fmt.Sprintf(":%d", f.Line)
				}
				where += ")"
			}
			blocked = append(blocked, fmt.Sprintf("%s denies: %s%s", f.Check, f.Message, where))
		}
	}
	return blocked
}

// manualReasons are the reasons the unit needs an approval: its tier's approval
// setting, a removed unit, a destructive plan. tierManual is true when the tier itself
// asks for approval.
func (d *Decision) manualReasons(u Unit, p Policy) (manual []string, tierManual bool) {
	switch strings.ToLower(strings.TrimSpace(u.Approval)) {
	case ApprovalManual:
		tierManual = true
		manual = append(manual, fmt.Sprintf("tier %s requires approval (env.hcl approval = \"manual\")", orDash(d.Tier, d.Env)))
	case ApprovalAuto:
	case "":
		if p.manualTier(d.Tier) || (d.Tier == "" && p.manualTier(d.Env)) {
			tierManual = true
			manual = append(manual, fmt.Sprintf("tier %s requires approval (default; env.hcl sets no approval)", orDash(d.Tier, d.Env)))
		}
	default:
		tierManual = true
		manual = append(manual, fmt.Sprintf("env.hcl approval = %q is neither \"auto\" nor \"manual\": treated as manual", u.Approval))
	}
	if d.Action == artifact.ActionDestroy {
		manual = append(manual, "the unit was removed: its resources are destroyed")
	} else if d.Destructive {
		what := fmt.Sprintf("the plan destroys %d and replaces %d resource(s)", d.Counts.Destroy-d.Counts.Replace, d.Counts.Replace)
		if len(d.Stateful) > 0 {
			what += "; stateful: " + strings.Join(d.Stateful, ", ")
		}
		manual = append(manual, what)
	}
	return manual, tierManual
}

// setEnvironment names the GitHub environment the apply job runs in: the unit's (or
// its env's), or its approval environment for a manual gate its tier does not ask for.
func (d *Decision) setEnvironment(u Unit, p Policy, tierManual bool) {
	envName := u.Environment
	if envName == "" {
		envName = d.Env
	}
	if envName == "" {
		envName = "default"
	}
	d.Environment = envName
	if d.Gate == Manual && !tierManual {
		if u.ApprovalEnvironment != "" {
			d.Environment = u.ApprovalEnvironment
		} else {
			d.Environment = envName + p.ApprovalSuffix
		}
	}
}

// propagate blocks the units whose dependencies are blocked, transitively.
func propagate(ds []Decision) {
	idx := map[string]int{}
	for i, d := range ds {
		idx[d.Unit] = i
	}
	for changed := true; changed; {
		changed = false
		for i := range ds {
			if ds[i].Gate == Blocked {
				continue
			}
			for _, dep := range ds[i].DependsOn {
				j, ok := idx[dep]
				if ok && ds[j].Gate == Blocked {
					ds[i].Gate = Blocked
					ds[i].Reasons = []string{"dependency " + dep + " is blocked"}
					changed = true
					break
				}
			}
		}
	}
}

// Summary counts decisions per gate.
func Summary(ds []Decision) map[Gate]int {
	m := map[Gate]int{}
	for _, d := range ds {
		m[d.Gate]++
	}
	return m
}

// ApplyGroup is one apply job: the units of one env with changes to apply, in the
// GitHub environment and with the role that job uses.
type ApplyGroup struct {
	Env          string   `json:"env"`
	Environment  string   `json:"environment"`
	AccountID    string   `json:"account_id"`
	ApplyRoleARN string   `json:"apply_role_arn"`
	Manual       bool     `json:"manual"`
	Units        []string `json:"units"`
	// UnitsArg is Units joined by spaces (for a workflow's shell).
	UnitsArg  string `json:"units_arg"`
	FirstWave int    `json:"first_wave"`
}

// Groups splits the applicable decisions (auto or manual, with changes) into one group
// per env. When any unit of an env needs approval, the whole env's job runs in the
// protected environment: one approval per env per run, and two jobs never apply to the
// same env at once.
func Groups(ds []Decision) []ApplyGroup {
	byEnv := map[string]*ApplyGroup{}
	var order []string
	for _, d := range ds {
		if d.Gate == Blocked || !d.HasChanges {
			continue
		}
		key := d.Env + "\x00" + d.AccountID
		g := byEnv[key]
		if g == nil {
			g = &ApplyGroup{Env: d.Env, AccountID: d.AccountID, ApplyRoleARN: d.ApplyRoleARN, Environment: d.Environment, FirstWave: d.Wave}
			byEnv[key] = g
			order = append(order, key)
		}
		g.Units = append(g.Units, d.Unit)
		g.FirstWave = min(g.FirstWave, d.Wave)
		if d.Gate == Manual && !g.Manual {
			g.Manual = true
			g.Environment = d.Environment
		}
	}
	out := make([]ApplyGroup, 0, len(order))
	for _, k := range order {
		g := byEnv[k]
		g.UnitsArg = strings.Join(g.Units, " ")
		out = append(out, *g)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].FirstWave != out[j].FirstWave {
			return out[i].FirstWave < out[j].FirstWave
		}
		return out[i].Env < out[j].Env
	})
	return out
}

// Approval reads a unit's approval setting from its rendered configuration: the
// "approval" key of its inputs, of its locals, or of an object nested in them (e.g.
// locals.env_vars.locals.approval when env.hcl is read with read_terragrunt_config),
// else the locals of the nearest env.hcl the unit read with read_terragrunt_config.
// Environment names come the same way from github_environment and
// github_approval_environment.
func Approval(u *config.Unit) (approval, environment, approvalEnvironment string) {
	if u == nil || u.Config == nil {
		return "", "", ""
	}
	envLocals := nearestEnvLocals(u.ReadConfigs)
	get := func(key string) string {
		for _, v := range []cty.Value{u.Config.Inputs, u.Config.Locals} {
			if s, ok := find(v, key, 0); ok {
				return s
			}
		}
		if v, ok := envLocals[key]; ok && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
			return v.AsString()
		}
		return ""
	}
	return get("approval"), get("github_environment"), get("github_approval_environment")
}

// nearestEnvLocals returns the locals of the deepest env.hcl among the files a unit
// read with read_terragrunt_config, as the evaluator evaluated them.
func nearestEnvLocals(reads map[string]cty.Value) map[string]cty.Value {
	best := ""
	for p := range reads {
		if filepath.Base(p) == "env.hcl" && len(p) > len(best) {
			best = p
		}
	}
	v, ok := reads[best]
	if !ok || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute("locals") {
		return nil
	}
	l := v.GetAttr("locals")
	if l.IsNull() || !l.IsKnown() || !(l.Type().IsObjectType() || l.Type().IsMapType()) {
		return nil
	}
	return l.AsValueMap()
}

// find looks for a string attribute named key in v, breadth first, up to depth 3.
func find(v cty.Value, key string, depth int) (string, bool) {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || depth > 3 {
		return "", false
	}
	t := v.Type()
	if !t.IsObjectType() && !t.IsMapType() {
		return "", false
	}
	m := v.AsValueMap()
	if x, ok := m[key]; ok && x.IsKnown() && !x.IsNull() && x.Type() == cty.String {
		return x.AsString(), true
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if s, ok := find(m[k], key, depth+1); ok {
			return s, true
		}
	}
	return "", false
}

func orDash(a, b string) string {
	if a != "" {
		return a
	}
	if b != "" {
		return b
	}
	return "-"
}

// staleReason says why a plan whose fingerprint differs from the unit's is stale. A
// plan made against simulated providers (OLECHKA_LOCAL=1 or OLECHKA_AWS=sim) renders
// another backend and provider setup than an evaluation without them, so the likely
// cause is named.
func staleReason(simulated bool) string {
	const reason = "the plan is stale: the unit's configuration changed since it was planned"
	if simulated {
		return reason + " (or is evaluated without the OLECHKA_LOCAL=1 or OLECHKA_AWS=sim it was planned with); plan again"
	}
	return reason + " (or an environment variable it reads differs); plan again"
}
