// Package pipeline composes the stages (detect, validate, plan, review, apply, notify)
// and converts between what each stage produces and what the next one reads: detect's
// result, validate's findings and cost report, plan artifacts and review decisions become
// the PR comment, the Slack report and the drift issues.
package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	ghnotify "github.com/terragrunt-olechka/olechka/internal/notify/github"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// Detected is detect's result, as `olechka detect --format json` prints it.
type Detected = detect.Result

// DetectedUnit is one affected unit.
type DetectedUnit = detect.Affected

// ReadDetect reads a detect JSON file.
func ReadDetect(path string) (*Detected, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Detected
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: not detect's JSON output: %w", path, err)
	}
	return &d, nil
}

// ReadFindings reads findings from validate's JSON output: an array of findings, or an
// object with a "findings" array.
func ReadFindings(path string) ([]finding.Finding, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	var fs []finding.Finding
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &fs); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return fs, nil
	}
	var obj struct {
		Findings *[]finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal(b, &obj); err != nil || obj.Findings == nil {
		return nil, fmt.Errorf("%s: not validate's JSON output (want a findings array or an object with \"findings\")", path)
	}
	return *obj.Findings, nil
}

// ReadCost reads a cost report: validate's cost JSON, or an object with a "cost" key
// holding one.
func ReadCost(path string) (*cost.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var wrap struct {
		Cost *cost.Report `json:"cost"`
	}
	if err := json.Unmarshal(b, &wrap); err == nil && wrap.Cost != nil {
		return wrap.Cost, nil
	}
	var r cost.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not a cost report: %w", path, err)
	}
	if r.Units == nil && r.Currency == "" {
		return nil, fmt.Errorf("%s: not a cost report (no units, no currency)", path)
	}
	return &r, nil
}

// PlansByUnit indexes plan artifacts by unit path.
func PlansByUnit(plans []*artifact.Plan) map[string]*artifact.Plan {
	m := make(map[string]*artifact.Plan, len(plans))
	for _, p := range plans {
		m[p.Metadata.Unit] = p
	}
	return m
}

// FindingsByUnit groups findings by their unit ("" for findings of no unit).
func FindingsByUnit(fs []finding.Finding) map[string][]finding.Finding {
	m := map[string][]finding.Finding{}
	for _, f := range fs {
		m[f.Unit] = append(m[f.Unit], f)
	}
	return m
}

// ReviewUnits builds review's input from plan artifacts, the tree as it is now (for
// approval settings and staleness; nil skips both) and validate's findings.
func ReviewUnits(plans []*artifact.Plan, tree *config.Tree, findings []finding.Finding, head string) []review.Unit {
	byUnit := FindingsByUnit(findings)
	out := make([]review.Unit, 0, len(plans))
	for _, p := range plans {
		m := p.Metadata
		u := review.Unit{Path: m.Unit, Env: m.Env, Tier: m.Tier, AccountID: m.AccountID, Plan: p, Head: head, Findings: byUnit[m.Unit]}
		if tree != nil {
			if cu := tree.Unit(m.Unit); cu != nil {
				u.Approval, u.Environment, u.ApprovalEnvironment = review.Approval(cu)
				// The fingerprint covers the dependency outputs a plan read from state,
				// which review does not read: compare it only for units without
				// dependency blocks. olechka apply checks every unit against its state.
				if len(cu.Config.Dependency) == 0 {
					u.Fingerprint = cu.Fingerprint
				}
				if u.Env == "" {
					u.Env = cu.Env
				}
				if u.Tier == "" {
					u.Tier = cu.Tier
				}
				if u.AccountID == "" {
					u.AccountID = cu.AccountID
				}
			}
		}
		out = append(out, u)
	}
	return out
}

// readPlanText returns a unit's readable plan ("" when absent).
func readPlanText(p *artifact.Plan) string {
	b, err := os.ReadFile(p.File(artifact.PlanTextFile))
	if err != nil {
		return ""
	}
	return string(b)
}

// logTail returns the last lines of a unit's plan log, for failed plans.
func logTail(p *artifact.Plan, lines int) string {
	b, err := os.ReadFile(p.File(artifact.PlanLogFile))
	if err != nil {
		return ""
	}
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}

func countsOf(s *artifact.Summary) artifact.Counts { return s.Counts() }

func changesOf(s *artifact.Summary) []comment.Change {
	if s == nil {
		return nil
	}
	out := make([]comment.Change, 0, len(s.Resources))
	for _, r := range s.Resources {
		out = append(out, comment.Change{Address: r.Address, Action: r.Action, Stateful: r.Stateful})
	}
	return out
}

// CommentPlan converts a plan artifact into the comment's plan.
func CommentPlan(p *artifact.Plan) *comment.Plan {
	if p == nil {
		return nil
	}
	m := p.Metadata
	cp := &comment.Plan{Counts: countsOf(p.Summary), Changes: changesOf(p.Summary), Mocks: m.Mocks()}
	switch m.Status {
	case artifact.StatusFailed:
		cp.Error = strings.TrimSpace(m.Error)
		if tail := logTail(p, 40); tail != "" && !strings.Contains(cp.Error, tail) {
			cp.Error += "\n\n" + tail
		}
		if cp.Error == "" {
			cp.Error = "the plan failed (see plan.log in the artifacts)"
		}
	case artifact.StatusSkipped:
		cp.Skipped = "dependency " + m.SkippedBecause + " did not plan"
	default:
		cp.Text = readPlanText(p)
	}
	return cp
}

// CommentInput assembles the PR comment from detect's result (nil: the plans' units),
// plan artifacts, review decisions, findings and the cost report (any may be empty).
func CommentInput(run notify.Run, det *Detected, plans []*artifact.Plan, decisions []review.Decision, findings []finding.Finding, c *cost.Report) comment.Input {
	in := comment.Input{Run: run, Findings: findings, Edges: map[string][]string{}, Simulated: artifact.SimulatedProviders(plans)}
	byPlan := PlansByUnit(plans)
	byDecision := map[string]review.Decision{}
	for _, d := range decisions {
		byDecision[d.Unit] = d
	}
	seen := map[string]bool{}
	add := func(u comment.Unit) {
		if p := byPlan[u.Path]; p != nil {
			u.Plan = CommentPlan(p)
			if u.Env == "" {
				u.Env = p.Metadata.Env
			}
			in.Edges[u.Path] = p.Metadata.DependsOn
		}
		if d, ok := byDecision[u.Path]; ok {
			u.Gate = &comment.Gate{Decision: string(d.Gate), Environment: d.Environment, Reasons: d.Reasons}
		}
		seen[u.Path] = true
		in.Units = append(in.Units, u)
	}
	if det != nil {
		in.Base, in.Head = det.Base, det.Head
		for _, u := range det.Units {
			add(comment.Unit{Path: u.Path, Action: u.Action, Wave: u.Wave, Env: u.Env, Region: u.Region, Tier: u.Tier, Reasons: u.Reasons})
		}
	}
	for _, p := range plans {
		if seen[p.Metadata.Unit] {
			continue
		}
		m := p.Metadata
		add(comment.Unit{Path: m.Unit, Action: m.Action, Wave: m.Wave, Env: m.Env, Region: m.Region, Tier: m.Tier})
		if in.Head == "" {
			in.Head = m.Commit
		}
	}
	if c != nil {
		in.Cost = CommentCost(c, seen)
	}
	return in
}

// CommentCost converts validate's cost report into the comment's cost diff: the
// affected units (all units when affected is empty) whose estimate is known.
func CommentCost(r *cost.Report, affected map[string]bool) *comment.Cost {
	out := &comment.Cost{Currency: r.Currency, Source: r.Source}
	if r.AsOf != "" {
		out.Source = strings.TrimSpace(out.Source + " prices as of " + r.AsOf)
	}
	for _, u := range r.Units {
		if len(affected) > 0 && !affected[u.Path] {
			continue
		}
		l := comment.CostLine{Name: u.Path, Head: u.Monthly}
		if u.Removed {
			l.Head = 0
		}
		if u.Base != nil {
			l.Base = *u.Base
		}
		if l.Base == 0 && l.Head == 0 {
			continue
		}
		out.Lines = append(out.Lines, l)
	}
	return out
}

// PlanReport is the Slack report of the plan stage.
func PlanReport(run notify.Run, plans []*artifact.Plan, decisions []review.Decision) notify.Report {
	byDecision := map[string]review.Decision{}
	for _, d := range decisions {
		byDecision[d.Unit] = d
	}
	r := notify.Report{Stage: notify.StagePlan, Run: run, Simulated: artifact.SimulatedProviders(plans)}
	for _, p := range plans {
		m := p.Metadata
		u := notify.UnitResult{Path: m.Unit, Env: m.Env, Region: m.Region, Action: m.Action, Counts: countsOf(p.Summary),
			Duration: durationOf(m.Duration)}
		if d, ok := byDecision[m.Unit]; ok {
			u.Destructive = len(d.Stateful) > 0
		}
		switch {
		case m.Status == artifact.StatusFailed:
			u.Status, u.Message = notify.Failed, artifact.FirstLine(m.Error)
		case m.Status == artifact.StatusSkipped:
			u.Status, u.Message = notify.Skipped, "dependency "+m.SkippedBecause+" failed"
		case byDecision[m.Unit].Gate == review.Blocked:
			u.Status, u.Message = notify.Blocked, strings.Join(byDecision[m.Unit].Reasons, "; ")
		case !hasChanges(p):
			u.Status = notify.NoChanges
		case byDecision[m.Unit].Gate == review.Manual:
			u.Status, u.Message = notify.Pending, "approval in "+byDecision[m.Unit].Environment
		default:
			u.Status = notify.Planned
		}
		r.Units = append(r.Units, u)
	}
	return r
}

// ApplyReport is the Slack report of the apply stage: every planned unit with what apply
// did (or why it did not run).
func ApplyReport(run notify.Run, plans []*artifact.Plan, decisions []review.Decision) notify.Report {
	r := PlanReport(run, plans, decisions)
	r.Stage = notify.StageApply
	byPlan := PlansByUnit(plans)
	for i, u := range r.Units {
		p := byPlan[u.Path]
		a := p.Applied
		if a == nil {
			if u.Status == notify.Planned || u.Status == notify.Pending {
				r.Units[i].Status, r.Units[i].Message = notify.Skipped, "not applied"
			}
			continue
		}
		r.Units[i].Duration = durationOf(a.Duration)
		switch a.Status {
		case artifact.Applied:
			r.Units[i].Status, r.Units[i].Message = notify.Applied, ""
		case artifact.Unchanged:
			r.Units[i].Status, r.Units[i].Message = notify.NoChanges, ""
		case artifact.Failed:
			r.Units[i].Status, r.Units[i].Message = notify.Failed, artifact.FirstLine(orElse(a.Error, a.Reason))
		case artifact.Refused:
			r.Units[i].Status, r.Units[i].Message = notify.Blocked, artifact.FirstLine(orElse(a.Reason, a.Error))
		case artifact.Skipped:
			r.Units[i].Status, r.Units[i].Message = notify.Skipped, artifact.FirstLine(orElse(a.Reason, a.Error))
		case artifact.Replanned:
			r.Units[i].Status, r.Units[i].Message = notify.Pending, "re-planned: the new plan needs a review"
		default:
			r.Units[i].Status, r.Units[i].Message = notify.Failed, "unknown apply status "+string(a.Status)
		}
	}
	return r
}

// DriftSync turns the plans of a drift check (every unit, default branch) into issue
// updates: units with changes drifted, units without are clean, failed plans neither.
func DriftSync(run notify.Run, plans []*artifact.Plan, units []string) (ghnotify.DriftSync, notify.Report) {
	s := ghnotify.DriftSync{Run: run, Units: units}
	rep := notify.Report{Stage: notify.StageDrift, Run: run, Simulated: artifact.SimulatedProviders(plans)}
	for _, p := range plans {
		m := p.Metadata
		u := notify.UnitResult{Path: m.Unit, Env: m.Env, Region: m.Region, Action: m.Action, Counts: countsOf(p.Summary)}
		switch {
		case m.Status == artifact.StatusFailed:
			u.Status, u.Message = notify.Failed, artifact.FirstLine(m.Error)
		case m.Status == artifact.StatusSkipped:
			u.Status, u.Message = notify.Skipped, "dependency "+m.SkippedBecause+" failed"
		case hasChanges(p):
			u.Status = notify.Drifted
			d := ghnotify.DriftedUnit{Unit: m.Unit, Env: m.Env, Region: m.Region, Counts: countsOf(p.Summary),
				Changes: changesOf(p.Summary), PlanText: readPlanText(p)}
			if p.Summary != nil {
				d.Drift = p.Summary.Drift
				u.Destructive = len(p.Summary.StatefulDestroys()) > 0
			}
			s.Drifted = append(s.Drifted, d)
		default:
			u.Status = notify.NoChanges
			s.Clean = append(s.Clean, m.Unit)
		}
		rep.Units = append(rep.Units, u)
	}
	sort.Strings(s.Clean)
	return s, rep
}

func hasChanges(p *artifact.Plan) bool {
	if p.Summary != nil {
		return p.Summary.HasChanges
	}
	return p.Metadata.HasChanges
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func durationOf(d artifact.Duration) time.Duration { return time.Duration(d) }
