package comment

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// htmlEscape escapes what HTML and GitHub's markdown would take as markup.
func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// cell makes text safe inside a markdown table cell.
func cell(s string, max int) string {
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", " ")
	s = cut(s, max)
	s = htmlEscape(s)
	return strings.ReplaceAll(s, "|", "\\|")
}

// code renders s as inline code inside a table cell (backticks removed, pipes escaped).
func code(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	return "`" + strings.ReplaceAll(cut(s, 200), "|", "\\|") + "`"
}

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	c := n - len("…")
	for c > 0 && !utf8.RuneStart(s[c]) {
		c--
	}
	return s[:c] + "…"
}

func gateCell(g *review.Decision) string {
	if g == nil {
		return "–"
	}
	switch g.Gate {
	case review.Auto:
		return "✅ auto"
	case review.Manual:
		if g.Environment != "" {
			return "⏸️ approval (`" + cell(g.Environment, 80) + "`)"
		}
		return "⏸️ approval"
	case review.Blocked:
		return "⛔ blocked"
	}
	return cell(string(g.Gate), 40)
}

func planCell(u Unit) string {
	p := u.Plan
	switch {
	case p == nil:
		return "not planned"
	case p.Error != "":
		return "❌ failed"
	case p.Skipped != "":
		return "⏭️ skipped"
	case p.Counts.Zero():
		return "no changes"
	}
	s := "`" + p.Counts.String() + "`"
	if p.Stateful() {
		s = "🔥 " + s
	} else if p.Destructive() {
		s = "⚠️ " + s
	}
	return s
}

// chunked emits a table as blocks of at most maxBlock bytes, each repeating the head.
func chunked(heading, head string, rows []string, note string, maxBlock int) []block {
	var out []block
	var b strings.Builder
	start := func() {
		b.Reset()
		if len(out) == 0 {
			b.WriteString(heading)
		}
		b.WriteString(head)
	}
	start()
	n := 0
	for _, r := range rows {
		if n > 0 && b.Len()+len(r) > maxBlock {
			b.WriteString("\n")
			out = append(out, block{text: b.String(), stub: "_(table part too large to show)_\n\n"})
			start()
			n = 0
		}
		b.WriteString(r)
		n++
	}
	b.WriteString(note + "\n")
	out = append(out, block{text: b.String(), stub: "_(table part too large to show)_\n\n"})
	return out
}

func unitTable(units []Unit, lim limits) []block {
	rows := make([]string, 0, len(units))
	for _, u := range units {
		reasons := u.Reasons
		more := 0
		if len(reasons) > lim.reasons {
			more = len(reasons) - lim.reasons
			reasons = reasons[:lim.reasons]
		}
		var why []string
		for _, r := range reasons {
			why = append(why, cell(r, 200))
		}
		if more > 0 {
			why = append(why, fmt.Sprintf("… %d more", more))
		}
		action := cell(u.Action, 20)
		if u.Action == artifact.ActionDestroy {
			action = "🗑️ destroy"
		}
		rows = append(rows, fmt.Sprintf("| %d | %s | %s | %s | %s | %s |\n",
			u.Wave, code(u.Path), action, planCell(u), gateCell(u.Decision), strings.Join(why, "<br>")))
	}
	return chunked("### Affected units\n\n",
		"| Wave | Unit | Action | Plan | Gate | Why |\n|---:|---|---|---|---|---|\n", rows, "", lim.block)
}

func actionIcon(a string) string {
	switch a {
	case artifact.ChangeCreate:
		return "➕"
	case artifact.ChangeUpdate:
		return "🔄"
	case artifact.ChangeDelete:
		return "🗑️"
	case artifact.ChangeReplace:
		return "♻️"
	case artifact.ChangeRead:
		return "📖"
	}
	return "•"
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// diffText turns OpenTofu's readable plan into a diff GitHub colours: every line gains
// a first column holding its change symbol ("~" and "-/+" become "!"), and the symbol's
// old place becomes blank, so the plan keeps its alignment.
func diffText(s string) string {
	s = ansi.ReplaceAllString(strings.ReplaceAll(s, "\r", ""), "")
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		ind := l[:len(l)-len(t)]
		switch {
		case strings.HasPrefix(t, "-/+") || strings.HasPrefix(t, "+/-"):
			lines[i] = "!" + ind + "   " + t[3:]
		case strings.HasPrefix(t, "+"):
			lines[i] = "+" + ind + " " + t[1:]
		case strings.HasPrefix(t, "-"):
			lines[i] = "-" + ind + " " + t[1:]
		case strings.HasPrefix(t, "~"):
			lines[i] = "!" + ind + " " + t[1:]
		default:
			lines[i] = " " + l
		}
	}
	return strings.Join(lines, "\n")
}

// fence returns a code fence longer than any backtick run in s.
func fence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// cutLines keeps whole lines of s within n bytes and says how many were left out.
func cutLines(s string, n int) (string, int) {
	if len(s) <= n {
		return s, 0
	}
	c := strings.LastIndexByte(s[:n], '\n')
	if c <= 0 {
		c = len(cut(s, n)) - len("…")
	}
	return s[:c], strings.Count(s[c:], "\n") + 1
}

func planBlocks(units []Unit, lim limits) []block {
	ordered := append([]Unit(nil), units...)
	// Destructive first (stateful destruction before the rest), then failed plans, then
	// by wave and path.
	rank := func(u Unit) int {
		switch {
		case u.Plan.Stateful():
			return 0
		case u.Plan.Destructive() || u.Action == artifact.ActionDestroy:
			return 1
		case u.Plan != nil && u.Plan.Error != "":
			return 2
		case u.Plan != nil && !u.Plan.Counts.Zero():
			return 3
		case u.Plan != nil && u.Plan.Skipped != "":
			return 5
		}
		return 4
	}
	sort.SliceStable(ordered, func(i, j int) bool { return rank(ordered[i]) < rank(ordered[j]) })
	var out []block
	heading := "### Plans\n\n"
	for _, u := range ordered {
		if u.Plan == nil {
			continue
		}
		bl := unitPlan(u, lim)
		if heading != "" {
			bl.text = heading + bl.text
			bl.stub = heading + bl.stub
			heading = ""
		}
		out = append(out, bl)
	}
	return out
}

func unitPlan(u Unit, lim limits) block {
	p := u.Plan
	summary := planSummary(u)
	stub := fmt.Sprintf("<details><summary>%s</summary>\n\nThis plan is too large for a comment: see the run's artifacts.\n\n</details>\n\n", summary)

	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", summary)
	if u.Decision != nil && len(u.Decision.Reasons) > 0 {
		b.WriteString("**Gate:** " + gateCell(u.Decision) + ": " + cell(strings.Join(u.Decision.Reasons, "; "), 600) + "\n\n")
	}
	if p.Error != "" {
		e, _ := cutLines(p.Error, lim.errText)
		f := fence(e)
		fmt.Fprintf(&b, "**The plan failed:**\n\n%s\n%s\n%s\n\n", f, e, f)
	}
	writeChanges(&b, p.Changes, lim)
	if len(p.Mocks) > 0 {
		fmt.Fprintf(&b, "> [!NOTE]\n> Planned with mock outputs of %s; apply checks them against the real outputs.\n\n", cell(strings.Join(p.Mocks, ", "), 500))
	}
	if strings.TrimSpace(p.Text) != "" {
		room := max(1000, min(lim.planText, lim.block-b.Len()-200))
		text, left := cutLines(diffText(p.Text), room)
		f := fence(text)
		fmt.Fprintf(&b, "%sdiff\n%s\n%s\n\n", f, text, f)
		if left > 0 {
			fmt.Fprintf(&b, "_… %d more lines: the full plan is in the run's artifacts._\n\n", left)
		}
	}
	b.WriteString("</details>\n\n")
	return block{text: b.String(), stub: stub}
}

// planSummary is the one line a unit's plan folds under: an icon, the path, the counts.
func planSummary(u Unit) string {
	p := u.Plan
	var sum strings.Builder
	switch {
	case p.Error != "":
		sum.WriteString("❌ ")
	case p.Skipped != "":
		sum.WriteString("⏭️ ")
	case p.Stateful():
		sum.WriteString("🔥 ")
	case p.Destructive() || u.Action == artifact.ActionDestroy:
		sum.WriteString("⚠️ ")
	case p.Counts.Zero():
		sum.WriteString("✔️ ")
	default:
		sum.WriteString("📝 ")
	}
	fmt.Fprintf(&sum, "<code>%s</code>", htmlEscape(cut(u.Path, 200)))
	switch {
	case p.Error != "":
		sum.WriteString(" · plan failed")
	case p.Skipped != "":
		sum.WriteString(" · skipped: " + htmlEscape(cut(p.Skipped, 300)))
	case p.Counts.Zero():
		sum.WriteString(" · no changes")
	default:
		fmt.Fprintf(&sum, " · <b>%s</b>", htmlEscape(p.Counts.String()))
	}
	if u.Action == artifact.ActionDestroy {
		sum.WriteString(" · unit removed: destroy")
	}
	if p.Stateful() {
		sum.WriteString(" · destroys stateful resources")
	}
	if u.Decision != nil && u.Decision.Gate != review.Auto {
		sum.WriteString(" · " + htmlEscape(string(u.Decision.Gate)))
	}
	return sum.String()
}

// writeChanges lists the destroyed or replaced resources (stateful first), then the others.
func writeChanges(b *strings.Builder, changes []artifact.ResourceChange, lim limits) {
	var destructive, other []artifact.ResourceChange
	for _, c := range changes {
		if c.Destructive() {
			destructive = append(destructive, c)
		} else if c.Action != "no-op" && c.Action != "" {
			other = append(other, c)
		}
	}
	sort.SliceStable(destructive, func(i, j int) bool { return destructive[i].Stateful && !destructive[j].Stateful })
	list := func(cs []artifact.ResourceChange, limit int) {
		for i, c := range cs {
			if i == limit {
				fmt.Fprintf(b, "- … %d more\n", len(cs)-limit)
				break
			}
			fmt.Fprintf(b, "- %s %s %s", actionIcon(c.Action), code(c.Address), c.Action)
			if c.Stateful && c.Destructive() {
				b.WriteString(" — **stateful**")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if len(destructive) > 0 {
		b.WriteString("**Destroyed or replaced:**\n\n")
		list(destructive, lim.changes)
	}
	if len(other) > 0 {
		b.WriteString("**Other changes:**\n\n")
		list(other, lim.others)
	}
}
