package comment

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

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
