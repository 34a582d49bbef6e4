package comment

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// Marker is the hidden line that identifies olechka's sticky comment (part 1).
const Marker = "<!-- olechka:pr-comment -->"

// MaxChars is GitHub's limit on a comment body. Render counts bytes, which is never
// less than GitHub's count of characters.
const MaxChars = 65536

var markerRe = regexp.MustCompile(`<!-- olechka:pr-comment(?: part=(\d+))? -->`)

// PartMarker is the hidden marker of part n (n = 1 is Marker).
func PartMarker(n int) string {
	if n <= 1 {
		return Marker
	}
	return fmt.Sprintf("<!-- olechka:pr-comment part=%d -->", n)
}

// PartOf returns the part number of one of olechka's comments (whose body starts with
// its marker), or 0 for any other comment, including one that merely quotes a marker.
func PartOf(body string) int {
	m := markerRe.FindStringSubmatch(body)
	if m == nil || !strings.HasPrefix(strings.TrimLeft(body, " \t\r\n"), m[0]) {
		return 0
	}
	if m[1] == "" {
		return 1
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// Options bound the rendered comment.
type Options struct {
	MaxChars int // per comment body; default MaxChars
	MaxParts int // comments at most; default 4. Past that the last part links to FullURL.
}

func (o Options) withDefaults() Options {
	if o.MaxChars <= 0 || o.MaxChars > MaxChars {
		o.MaxChars = MaxChars
	}
	if o.MaxChars < 2000 {
		o.MaxChars = 2000
	}
	if o.MaxParts <= 0 {
		o.MaxParts = 4
	}
	return o
}

// block is one section of the comment; stub replaces text when text alone cannot fit
// in a comment.
type block struct {
	text string
	stub string
}

// Full renders the whole comment without any size limit: what the run keeps as an
// artifact and what --dry-run writes.
func Full(in Input) string {
	var b strings.Builder
	b.WriteString(Marker + "\n")
	for _, bl := range blocks(in, unlimited) {
		b.WriteString(bl.text)
	}
	return b.String()
}

// Render renders the comment as the bodies to post: part 1 first. Each body carries
// its marker and fits in opt.MaxChars.
func Render(in Input, opt Options) []string {
	opt = opt.withDefaults()
	link := in.FullURL
	if link == "" {
		link = in.Run.RunURL()
	}
	reserve := 600 + len(link)
	budget := opt.MaxChars - reserve
	bls := blocks(in, bounded(budget/3))

	type part struct {
		body  strings.Builder
		first int // index of the first block in it
	}
	var parts []*part
	newPart := func(i int) *part {
		p := &part{first: i}
		n := len(parts) + 1
		p.body.WriteString(PartMarker(n) + "\n")
		if n > 1 {
			fmt.Fprintf(&p.body, "_%s, continued (part %d)_\n\n", title(in), n)
		}
		parts = append(parts, p)
		return p
	}
	cur := newPart(0)
	for i, bl := range bls {
		t := bl.text
		if len(t) > budget-200 {
			t = bl.stub
		}
		if cur.body.Len()+len(t) > budget && i > cur.first {
			cur = newPart(i)
		}
		cur.body.WriteString(t)
	}

	omitted := 0
	if len(parts) > opt.MaxParts {
		omitted = len(bls) - parts[opt.MaxParts].first
		parts = parts[:opt.MaxParts]
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		s := p.body.String()
		if omitted > 0 && i == len(parts)-1 {
			s += fmt.Sprintf("\n> [!WARNING]\n> This comment is truncated: %d more section(s) do not fit in %d comments. ", omitted, opt.MaxParts)
			if link != "" {
				s += fmt.Sprintf("The full comment and every plan are in [the run's artifacts](%s).\n", link)
			} else {
				s += "The full comment and every plan are in the run's artifacts.\n"
			}
		}
		if len(parts) > 1 {
			s += fmt.Sprintf("\n<sub>olechka comment, part %d of %d</sub>\n", i+1, len(parts))
		}
		out[i] = s
	}
	return out
}

func title(in Input) string {
	if in.Title != "" {
		return in.Title
	}
	return "olechka plan"
}

// ---- blocks ----

// limits bound what one section shows.
type limits struct {
	block                    int // bytes per section
	reasons, changes, others int // per unit
	findings, costRows       int
	planText, errText        int // bytes
}

var unlimited = limits{block: math.MaxInt32, reasons: math.MaxInt32, changes: math.MaxInt32, others: math.MaxInt32,
	findings: math.MaxInt32, costRows: math.MaxInt32, planText: math.MaxInt32, errText: math.MaxInt32}

func bounded(block int) limits {
	return limits{block: block, reasons: 5, changes: 50, others: 30, findings: 300, costRows: 100,
		planText: min(20000, block), errText: min(8000, block/4)}
}

func blocks(in Input, lim limits) []block {
	units := append([]Unit(nil), in.Units...)
	sort.SliceStable(units, func(i, j int) bool {
		if units[i].Wave != units[j].Wave {
			return units[i].Wave < units[j].Wave
		}
		return units[i].Path < units[j].Path
	})
	var out []block
	out = append(out, headerBlock(in, units))
	out = append(out, simulatedBlocks(in)...)
	if len(units) == 0 {
		return append(out, block{text: "No unit is affected by this change: nothing to plan or apply.\n\n"})
	}
	out = append(out, unitTable(units, lim)...)
	out = append(out, planBlocks(units, lim)...)
	out = append(out, findingBlocks(in.Findings, lim)...)
	if in.Cost != nil {
		out = append(out, costBlock(in.Cost, lim))
	}
	out = append(out, graphBlock(units, in.Edges, lim.block))
	return out
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func headerBlock(in Input, units []Unit) block {
	var b strings.Builder
	var plan, destroy, destructive, manual, blocked, failed, skipped, pending int
	for _, u := range units {
		if u.Action == "destroy" {
			destroy++
		} else {
			plan++
		}
		if u.Plan.Destructive() || u.Action == "destroy" {
			destructive++
		}
		if u.Plan != nil && u.Plan.Error != "" {
			failed++
		}
		if u.Plan != nil && u.Plan.Skipped != "" {
			skipped++
		}
		if u.Plan == nil {
			pending++
		}
		if u.Gate != nil {
			switch u.Gate.Decision {
			case "manual":
				manual++
			case "blocked":
				blocked++
			}
		}
	}
	var errs, warns, notes int
	for _, f := range in.Findings {
		switch f.Level {
		case finding.Error:
			errs++
		case finding.Warning:
			warns++
		default:
			notes++
		}
	}
	icon := "🟢"
	switch {
	case failed > 0 || skipped > 0 || blocked > 0 || errs > 0:
		icon = "🔴"
	case manual > 0 || destructive > 0 || warns > 0:
		icon = "🟡"
	}
	fmt.Fprintf(&b, "## %s %s: %d unit%s affected\n\n", icon, title(in), len(units), plural(len(units)))

	var facts []string
	if in.Base != "" || in.Head != "" {
		facts = append(facts, fmt.Sprintf("`%s` → `%s`", short(in.Base), short(in.Head)))
	}
	if u := in.Run.RunURL(); u != "" {
		facts = append(facts, fmt.Sprintf("[run %s](%s)", in.Run.RunID, u))
	}
	if u := in.Run.CommitURL(); u != "" {
		facts = append(facts, fmt.Sprintf("commit [%s](%s)", in.Run.ShortSHA(), u))
	}
	if len(facts) > 0 {
		b.WriteString(strings.Join(facts, " · ") + "\n\n")
	}
	var sum []string
	sum = append(sum, fmt.Sprintf("**%d** to plan", plan))
	if destroy > 0 {
		sum = append(sum, fmt.Sprintf("**%d** to destroy", destroy))
	}
	if failed > 0 {
		sum = append(sum, fmt.Sprintf("❌ **%d** plan%s failed", failed, plural(failed)))
	}
	if skipped > 0 {
		sum = append(sum, fmt.Sprintf("⏭️ **%d** skipped", skipped))
	}
	if destructive > 0 {
		sum = append(sum, fmt.Sprintf("🔥 **%d** destructive", destructive))
	}
	if manual > 0 {
		sum = append(sum, fmt.Sprintf("⏸️ **%d** need%s approval", manual, pluralVerb(manual)))
	}
	if blocked > 0 {
		sum = append(sum, fmt.Sprintf("⛔ **%d** blocked", blocked))
	}
	if pending > 0 {
		sum = append(sum, fmt.Sprintf("**%d** not planned yet", pending))
	}
	if len(in.Findings) > 0 {
		sum = append(sum, fmt.Sprintf("findings: **%d** error%s, **%d** warning%s", errs, plural(errs), warns, plural(warns)))
	}
	if in.Cost != nil {
		base, head := in.Cost.totals()
		sum = append(sum, "cost "+money(head-base, in.Cost.Currency, true)+"/month")
	}
	b.WriteString(strings.Join(sum, " · ") + "\n\n")
	s := b.String()
	return block{text: s, stub: s}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pluralVerb(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

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

func gateCell(g *Gate) string {
	if g == nil {
		return "–"
	}
	switch g.Decision {
	case "auto":
		return "✅ auto"
	case "manual":
		if g.Environment != "" {
			return "⏸️ approval (`" + cell(g.Environment, 80) + "`)"
		}
		return "⏸️ approval"
	case "blocked":
		return "⛔ blocked"
	}
	return cell(g.Decision, 40)
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
		if u.Action == "destroy" {
			action = "🗑️ destroy"
		}
		rows = append(rows, fmt.Sprintf("| %d | %s | %s | %s | %s | %s |\n",
			u.Wave, code(u.Path), action, planCell(u), gateCell(u.Gate), strings.Join(why, "<br>")))
	}
	return chunked("### Affected units\n\n",
		"| Wave | Unit | Action | Plan | Gate | Why |\n|---:|---|---|---|---|---|\n", rows, "", lim.block)
}

func actionIcon(a string) string {
	switch a {
	case "create":
		return "➕"
	case "update":
		return "🔄"
	case "delete":
		return "🗑️"
	case "replace":
		return "♻️"
	case "read":
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
		case u.Plan.Destructive() || u.Action == "destroy":
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
	var sum strings.Builder
	switch {
	case p.Error != "":
		sum.WriteString("❌ ")
	case p.Skipped != "":
		sum.WriteString("⏭️ ")
	case p.Stateful():
		sum.WriteString("🔥 ")
	case p.Destructive() || u.Action == "destroy":
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
	if u.Action == "destroy" {
		sum.WriteString(" · unit removed: destroy")
	}
	if p.Stateful() {
		sum.WriteString(" · destroys stateful resources")
	}
	if u.Gate != nil && u.Gate.Decision != "auto" {
		sum.WriteString(" · " + htmlEscape(u.Gate.Decision))
	}
	summary := sum.String()
	stub := fmt.Sprintf("<details><summary>%s</summary>\n\nThis plan is too large for a comment: see the run's artifacts.\n\n</details>\n\n", summary)

	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", summary)
	if u.Gate != nil && len(u.Gate.Reasons) > 0 {
		b.WriteString("**Gate:** " + gateCell(u.Gate) + ": " + cell(strings.Join(u.Gate.Reasons, "; "), 600) + "\n\n")
	}
	if p.Error != "" {
		e, _ := cutLines(p.Error, lim.errText)
		f := fence(e)
		fmt.Fprintf(&b, "**The plan failed:**\n\n%s\n%s\n%s\n\n", f, e, f)
	}
	var destructive, other []Change
	for _, c := range p.Changes {
		if c.Destructive() {
			destructive = append(destructive, c)
		} else if c.Action != "no-op" && c.Action != "" {
			other = append(other, c)
		}
	}
	sort.SliceStable(destructive, func(i, j int) bool { return destructive[i].Stateful && !destructive[j].Stateful })
	list := func(cs []Change, limit int) {
		for i, c := range cs {
			if i == limit {
				fmt.Fprintf(&b, "- … %d more\n", len(cs)-limit)
				break
			}
			fmt.Fprintf(&b, "- %s %s %s", actionIcon(c.Action), code(c.Address), c.Action)
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

func levelIcon(l finding.Level) string {
	switch l {
	case finding.Error:
		return "❌"
	case finding.Warning:
		return "⚠️"
	}
	return "ℹ️"
}

func levelRank(l finding.Level) int {
	switch l {
	case finding.Error:
		return 0
	case finding.Warning:
		return 1
	}
	return 2
}

func findingBlocks(fs []finding.Finding, lim limits) []block {
	if len(fs) == 0 {
		return nil
	}
	fs = append([]finding.Finding(nil), fs...)
	finding.Sort(fs)
	sort.SliceStable(fs, func(i, j int) bool { return levelRank(fs[i].Level) < levelRank(fs[j].Level) })
	counts := map[finding.Level]int{}
	for _, f := range fs {
		counts[f.Level]++
	}
	limit := lim.findings
	var rows []string
	for i, f := range fs {
		if i == limit {
			break
		}
		where := f.Where()
		rule := f.Check
		if f.Rule != "" {
			rule += " " + f.Rule
		}
		msg := f.Message
		if f.Severity != "" {
			msg = f.Severity + ": " + msg
		}
		w := "–"
		if where != "" {
			w = code(where)
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |\n", levelIcon(f.Level), cell(rule, 120), w, cell(msg, 400)))
	}
	note := ""
	if len(fs) > limit {
		note = fmt.Sprintf("_… %d more findings: see `olechka validate` output in the run._\n", len(fs)-limit)
	}
	heading := fmt.Sprintf("### Findings: %d error%s, %d warning%s, %d note%s\n\n",
		counts[finding.Error], plural(counts[finding.Error]), counts[finding.Warning], plural(counts[finding.Warning]),
		counts[finding.Note], plural(counts[finding.Note]))
	return chunked(heading, "| | Check | Where | Message |\n|---|---|---|---|\n", rows, note, lim.block)
}

func (c *Cost) totals() (base, head float64) {
	for _, l := range c.Lines {
		base += l.Base
		head += l.Head
	}
	return base, head
}

func money(v float64, currency string, sign bool) string {
	sym := "$"
	if currency != "" && currency != "USD" {
		sym = currency + " "
	}
	s := ""
	if sign {
		switch {
		case v > 0.005:
			s = "+"
		case v < -0.005:
			s = "-"
		}
	}
	return s + sym + strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
}

func costBlock(c *Cost, lim limits) block {
	lines := append([]CostLine(nil), c.Lines...)
	sort.SliceStable(lines, func(i, j int) bool {
		di, dj := math.Abs(lines[i].Head-lines[i].Base), math.Abs(lines[j].Head-lines[j].Base)
		if di != dj {
			return di > dj
		}
		return lines[i].Name < lines[j].Name
	})
	var b strings.Builder
	b.WriteString("### Cost (monthly estimate")
	if c.Source != "" {
		b.WriteString(", " + cell(c.Source, 80))
	}
	b.WriteString(")\n\n| | Before | After | Change |\n|---|---:|---:|---:|\n")
	shown := 0
	for _, l := range lines {
		if b.Len() > lim.block-600 || shown == lim.costRows {
			break
		}
		d := l.Head - l.Base
		pct := ""
		if l.Base > 0 && math.Abs(d) > 0.005 {
			pct = fmt.Sprintf(" (%+.0f%%)", 100*d/l.Base)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s%s |\n", code(l.Name), money(l.Base, c.Currency, false), money(l.Head, c.Currency, false), money(d, c.Currency, true), pct)
		shown++
	}
	base, head := c.totals()
	if shown < len(lines) {
		fmt.Fprintf(&b, "| _… %d more_ | | | |\n", len(lines)-shown)
	}
	fmt.Fprintf(&b, "| **Total** | **%s** | **%s** | **%s** |\n\n", money(base, c.Currency, false), money(head, c.Currency, false), money(head-base, c.Currency, true))
	return block{text: b.String(), stub: "### Cost\n\n_(too large to show)_\n\n"}
}

// MaxGraphNodes bounds the Mermaid graph; larger sets get a note instead.
const MaxGraphNodes = 150

func mermaidLabel(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ").Replace(s)
}

func graphBlock(units []Unit, edges map[string][]string, maxBlock int) block {
	stub := "### Graph of affected units\n\n_Too many units for a graph here: run `olechka graph --format mermaid`._\n\n"
	if len(units) > MaxGraphNodes {
		return block{text: stub, stub: stub}
	}
	ids := map[string]string{}
	for i, u := range units {
		ids[u.Path] = fmt.Sprintf("u%d", i)
	}
	var b strings.Builder
	b.WriteString("### Graph of affected units\n\nArrows point from a unit to the units that depend on it (apply order).\n\n```mermaid\ngraph LR\n")
	classes := map[string][]string{}
	for _, u := range units {
		id := ids[u.Path]
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", id, mermaidLabel(u.Path))
		switch {
		case u.Gate != nil && u.Gate.Decision == "blocked", u.Plan != nil && (u.Plan.Error != "" || u.Plan.Skipped != ""):
			classes["bad"] = append(classes["bad"], id)
		case u.Action == "destroy" || u.Plan.Destructive():
			classes["destructive"] = append(classes["destructive"], id)
		case u.Gate != nil && u.Gate.Decision == "manual":
			classes["manual"] = append(classes["manual"], id)
		}
	}
	for _, u := range units {
		deps := append([]string(nil), edges[u.Path]...)
		sort.Strings(deps)
		for _, d := range deps {
			if from, ok := ids[d]; ok {
				fmt.Fprintf(&b, "  %s --> %s\n", from, ids[u.Path])
			}
		}
	}
	styles := []struct{ name, style string }{
		{"bad", "fill:#ffebee,stroke:#c62828,color:#000"},
		{"destructive", "fill:#fff3e0,stroke:#e65100,color:#000"},
		{"manual", "fill:#e3f2fd,stroke:#1565c0,color:#000"},
	}
	for _, s := range styles {
		if len(classes[s.name]) > 0 {
			fmt.Fprintf(&b, "  classDef %s %s\n  class %s %s\n", s.name, s.style, strings.Join(classes[s.name], ","), s.name)
		}
	}
	b.WriteString("```\n\n")
	if b.Len() > maxBlock {
		return block{text: stub, stub: stub}
	}
	return block{text: b.String(), stub: stub}
}
