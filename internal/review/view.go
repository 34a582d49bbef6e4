package review

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/ghactions"
)

// Text renders decisions for a terminal.
func (r *Result) Text() string {
	var b strings.Builder
	for _, d := range r.Decisions {
		fmt.Fprintf(&b, "%-8s %s", d.Gate, d.Unit)
		if d.HasChanges {
			fmt.Fprintf(&b, "  [%s]", d.Counts)
		}
		fmt.Fprintf(&b, "  env=%s", d.Environment)
		if d.ApplyRoleARN != "" {
			fmt.Fprintf(&b, "  role=%s", d.ApplyRoleARN)
		}
		b.WriteString("\n")
		for _, why := range d.Reasons {
			fmt.Fprintf(&b, "           %s\n", why)
		}
	}
	fmt.Fprintf(&b, "\n%d auto, %d manual, %d blocked; %d apply job(s)\n",
		r.Summary[Auto], r.Summary[Manual], r.Summary[Blocked], len(r.Groups))
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "  apply %s in environment %s: %s\n", g.Env, g.Environment, g.UnitsArg)
	}
	return b.String()
}

// Markdown renders decisions for a job summary.
func (r *Result) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### olechka review: %d auto, %d manual, %d blocked\n\n",
		r.Summary[Auto], r.Summary[Manual], r.Summary[Blocked])
	b.WriteString("| Gate | Unit | Plan | Environment | Why |\n|---|---|---|---|---|\n")
	for _, d := range r.Decisions {
		icon := map[Gate]string{Auto: "✅", Manual: "⏸️", Blocked: "⛔"}[d.Gate]
		plan := "no changes"
		if d.HasChanges {
			plan = "`" + d.Counts.String() + "`"
		}
		fmt.Fprintf(&b, "| %s %s | `%s` | %s | `%s` | %s |\n", icon, d.Gate, d.Unit, plan, d.Environment,
			strings.ReplaceAll(strings.Join(d.Reasons, "<br>"), "|", "\\|"))
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n**Review rules changed by this change** (the base commit's rules judge it):\n\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "- ⚠️ %s\n", w)
		}
	}
	if len(r.Groups) > 0 {
		b.WriteString("\n**Apply jobs**\n\n")
		for _, g := range r.Groups {
			fmt.Fprintf(&b, "- `%s` in environment `%s` (role `%s`): %d unit(s)\n", g.Env, g.Environment, g.ApplyRoleARN, len(g.Units))
		}
	}
	return b.String()
}

// GitHubOutputs are review's step outputs: the apply matrix and counts.
func (r *Result) GitHubOutputs() ([]ghactions.Output, error) {
	m, err := json.Marshal(map[string]any{"include": r.Groups})
	if err != nil {
		return nil, err
	}
	return []ghactions.Output{
		{Name: "matrix", Value: string(m)},
		{Name: "has_applies", Value: fmt.Sprint(len(r.Groups) > 0)},
		{Name: "blocked", Value: fmt.Sprint(r.Summary[Blocked])},
		{Name: "manual", Value: fmt.Sprint(r.Summary[Manual])},
	}, nil
}
