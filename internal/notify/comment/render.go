package comment

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/review"
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

// tally counts what the header summarises.
type tally struct {
	plan, destroy, destructive, manual, blocked, failed, skipped, pending int
	errs, warns, notes                                                    int
}

func tallyOf(in Input, units []Unit) tally {
	var t tally
	for _, u := range units {
		if u.Action == artifact.ActionDestroy {
			t.destroy++
		} else {
			t.plan++
		}
		if u.Plan.Destructive() || u.Action == artifact.ActionDestroy {
			t.destructive++
		}
		if u.Plan != nil && u.Plan.Error != "" {
			t.failed++
		}
		if u.Plan != nil && u.Plan.Skipped != "" {
			t.skipped++
		}
		if u.Plan == nil {
			t.pending++
		}
		if u.Decision != nil {
			switch u.Decision.Gate {
			case review.Manual:
				t.manual++
			case review.Blocked:
				t.blocked++
			}
		}
	}
	for _, f := range in.Findings {
		switch f.Level {
		case finding.Error:
			t.errs++
		case finding.Warning:
			t.warns++
		default:
			t.notes++
		}
	}
	return t
}

func headerBlock(in Input, units []Unit) block {
	var b strings.Builder
	t := tallyOf(in, units)
	icon := "🟢"
	switch {
	case t.failed > 0 || t.skipped > 0 || t.blocked > 0 || t.errs > 0:
		icon = "🔴"
	case t.manual > 0 || t.destructive > 0 || t.warns > 0:
		icon = "🟡"
	}
	fmt.Fprintf(&b, "## %s %s: %d unit%s affected\n\n", icon, title(in), len(units), plural(len(units)))

	var facts []string
	switch {
	case in.Base != "" && in.Head != "":
		facts = append(facts, fmt.Sprintf("`%s` → `%s`", artifact.ShortCommit(in.Base), artifact.ShortCommit(in.Head)))
	case in.Head != "": // every unit (detect --all, drift): no base to compare with
		facts = append(facts, fmt.Sprintf("at `%s`", artifact.ShortCommit(in.Head)))
	case in.Base != "": // compared with the working tree
		facts = append(facts, fmt.Sprintf("`%s` → working tree", artifact.ShortCommit(in.Base)))
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
	b.WriteString(strings.Join(t.summary(in), " · ") + "\n\n")
	s := b.String()
	return block{text: s, stub: s}
}

// summary is the header's line of counts.
func (t tally) summary(in Input) []string {
	sum := []string{fmt.Sprintf("**%d** to plan", t.plan)}
	if t.destroy > 0 {
		sum = append(sum, fmt.Sprintf("**%d** to destroy", t.destroy))
	}
	if t.failed > 0 {
		sum = append(sum, fmt.Sprintf("❌ **%d** plan%s failed", t.failed, plural(t.failed)))
	}
	if t.skipped > 0 {
		sum = append(sum, fmt.Sprintf("⏭️ **%d** skipped", t.skipped))
	}
	if t.destructive > 0 {
		sum = append(sum, fmt.Sprintf("🔥 **%d** destructive", t.destructive))
	}
	if t.manual > 0 {
		sum = append(sum, fmt.Sprintf("⏸️ **%d** need%s approval", t.manual, pluralVerb(t.manual)))
	}
	if t.blocked > 0 {
		sum = append(sum, fmt.Sprintf("⛔ **%d** blocked", t.blocked))
	}
	if t.pending > 0 {
		sum = append(sum, fmt.Sprintf("**%d** not planned yet", t.pending))
	}
	if len(in.Findings) > 0 {
		sum = append(sum, fmt.Sprintf("findings: **%d** error%s, **%d** warning%s", t.errs, plural(t.errs), t.warns, plural(t.warns)))
	}
	if in.Cost != nil {
		base, head := in.Cost.totals()
		sum = append(sum, "cost "+money(head-base, in.Cost.Currency, true)+"/month")
	}
	return sum
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
