package validate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// Formats lists the report formats Write knows.
var Formats = []string{"text", "json", "sarif", "github", "markdown"}

// WriteOptions tunes a report.
type WriteOptions struct {
	Color   bool   // ANSI colours (text)
	Version string // olechka's version (SARIF tool driver)
}

// Write renders a result in a format.
func Write(w io.Writer, format string, r *Result, o WriteOptions) error {
	switch format {
	case "text", "":
		return WriteText(w, r, o.Color)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "sarif":
		return WriteSARIF(w, r, o.Version)
	case "github":
		return WriteGitHub(w, r)
	case "markdown", "md":
		return WriteMarkdown(w, r)
	}
	return fmt.Errorf("unknown format %q (one of %s)", format, strings.Join(Formats, ", "))
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
)

// WriteText writes findings grouped by check, then file; colour when asked.
func WriteText(w io.Writer, r *Result, color bool) error {
	c := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	levelText := func(l finding.Level) string {
		switch l {
		case finding.Error:
			return c(ansiRed, "error")
		case finding.Warning:
			return c(ansiYellow, "warning")
		}
		return c(ansiCyan, string(l))
	}
	byCheck := map[string][]finding.Finding{}
	for _, f := range r.Findings {
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	var b strings.Builder
	for _, cr := range r.Checks {
		fs := byCheck[cr.Name]
		delete(byCheck, cr.Name)
		writeCheckHeader(&b, cr, c)
		writeGroupedFindings(&b, fs, c, levelText)
	}
	// Findings of checks the result does not list (ingested reports...).
	var rest []string
	for k := range byCheck {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		fmt.Fprintf(&b, "%s\n", c(ansiBold, k))
		writeGroupedFindings(&b, byCheck[k], c, levelText)
	}
	if r.Cost != nil && len(r.Cost.Envs) > 0 {
		fmt.Fprintf(&b, "%s (USD a month, %s)\n", c(ansiBold, "cost"), costSource(r))
		for _, e := range r.Cost.Envs {
			line := fmt.Sprintf("  %-24s %12s", envName(e.Env), money(e.Monthly))
			if e.Delta != nil {
				line += fmt.Sprintf("  %s", signed(*e.Delta))
			}
			if e.Budget != nil {
				line += fmt.Sprintf("  budget %s", money(*e.Budget))
			}
			b.WriteString(line + "\n")
		}
		line := fmt.Sprintf("  %-24s %12s", "total", money(r.Cost.Monthly))
		if r.Cost.Base != nil {
			line += fmt.Sprintf("  %s", signed(r.Cost.Monthly-*r.Cost.Base))
		}
		b.WriteString(line + "\n")
	}
	errs, warns, notes := r.Counts()
	verdict := c(ansiGreen, "passed")
	if r.Failed(finding.Error) {
		verdict = c(ansiRed, "failed")
	}
	fmt.Fprintf(&b, "\nvalidate %s: %d errors, %d warnings, %d notes in %d units (%.2fs)\n",
		verdict, errs, warns, notes, r.Units, r.Duration.Seconds())
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCheckHeader(b *strings.Builder, cr CheckResult, c func(string, string) string) {
	status := cr.Status
	switch cr.Status {
	case StatusPassed:
		status = c(ansiGreen, status)
	case StatusFailed, StatusError:
		status = c(ansiRed, status)
	case StatusWarned:
		status = c(ansiYellow, status)
	default:
		status = c(ansiDim, status)
	}
	fmt.Fprintf(b, "%s %s", c(ansiBold, cr.Name), status)
	if cr.Findings > 0 {
		fmt.Fprintf(b, " (%d)", cr.Findings)
	}
	if cr.Note != "" {
		fmt.Fprintf(b, " - %s", cr.Note)
	}
	fmt.Fprintf(b, " %s\n", c(ansiDim, fmt.Sprintf("%.2fs", cr.Duration.Seconds())))
}

func writeGroupedFindings(b *strings.Builder, fs []finding.Finding, c func(string, string) string, levelText func(finding.Level) string) {
	lastFile := "\x00"
	for _, f := range fs {
		if f.File != lastFile {
			lastFile = f.File
			name := f.File
			if name == "" {
				name = "(no file)"
			}
			fmt.Fprintf(b, "  %s\n", c(ansiBold, name))
		}
		loc := ""
		if f.Line > 0 {
			loc = fmt.Sprintf("%d:%d ", f.Line, f.Column)
		}
		sev := ""
		if f.Severity != "" {
			sev = " " + f.Severity
		}
		fmt.Fprintf(b, "    %s%s%s %s %s\n", loc, levelText(f.Level), sev, c(ansiDim, "["+f.Rule+"]"), f.Message)
	}
}

func costSource(r *Result) string {
	if r.Cost.Source == "infracost" {
		return "Infracost"
	}
	if r.Cost.AsOf != "" {
		if r.Cost.PriceOrigin == cost.OriginPriceList {
			if r.Cost.EstimatedPrices > 0 {
				return fmt.Sprintf("AWS Price List of %s; %d price keys still hand-recorded estimates", r.Cost.AsOf, r.Cost.EstimatedPrices)
			}
			return "AWS Price List of " + r.Cost.AsOf
		}
		return "hand-recorded estimates of list prices, " + r.Cost.AsOf
	}
	return r.Cost.Source
}

func envName(e string) string {
	if e == "" {
		return "(no env)"
	}
	return e
}

func money(x float64) string {
	neg := x < 0
	if neg {
		x = -x
	}
	s := fmt.Sprintf("%.2f", x)
	intPart, frac := s[:len(s)-3], s[len(s)-3:]
	var out []byte
	for i, ch := range []byte(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, ch)
	}
	res := "$" + string(out) + frac
	if neg {
		res = "-" + res
	}
	return res
}

func signed(x float64) string {
	if x >= 0.005 {
		return "+" + money(x)
	}
	if x <= -0.005 {
		return money(x)
	}
	return "±$0.00"
}

// WriteGitHub writes GitHub Actions workflow commands (::error file=...,line=...::msg),
// one per finding, escaped as the runner expects.
func WriteGitHub(w io.Writer, r *Result) error {
	var b strings.Builder
	for _, f := range r.Findings {
		cmd := "notice"
		switch f.Level {
		case finding.Error:
			cmd = "error"
		case finding.Warning:
			cmd = "warning"
		}
		var props []string
		if f.File != "" {
			props = append(props, "file="+escapeProperty(f.File))
			if f.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Line))
				if f.Column > 0 {
					props = append(props, fmt.Sprintf("col=%d", f.Column))
				}
			}
		}
		title := f.Check + " " + f.Rule
		if f.Severity != "" {
			title += " (" + f.Severity + ")"
		}
		props = append(props, "title="+escapeProperty(title))
		msg := f.Message
		if f.Unit != "" && f.File == "" {
			msg = f.Unit + ": " + msg
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	s = strings.ReplaceAll(s, "%", "%25")
	s = strings.ReplaceAll(s, "\r", "%0D")
	return strings.ReplaceAll(s, "\n", "%0A")
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	s = escapeData(s)
	s = strings.ReplaceAll(s, ":", "%3A")
	return strings.ReplaceAll(s, ",", "%2C")
}

// WriteMarkdown writes the report for a pull request comment or a job summary.
func WriteMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	errs, warns, notes := r.Counts()
	icon := "✅"
	if r.Failed(finding.Error) {
		icon = "❌"
	} else if warns > 0 {
		icon = "⚠️"
	}
	fmt.Fprintf(&b, "### %s olechka validate: %d errors, %d warnings, %d notes in %d units\n\n", icon, errs, warns, notes, r.Units)
	b.WriteString("| check | status | findings | note |\n|---|---|---:|---|\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", c.Name, c.Status, c.Findings, mdCell(c.Note))
	}
	if len(r.Findings) > 0 {
		const max = 200
		b.WriteString("\n<details open><summary>Findings</summary>\n\n")
		b.WriteString("| level | check | rule | location | message |\n|---|---|---|---|---|\n")
		fs := append([]finding.Finding(nil), r.Findings...)
		sort.SliceStable(fs, func(i, j int) bool { return levelRank(fs[i].Level) < levelRank(fs[j].Level) })
		for i, f := range fs {
			if i == max {
				fmt.Fprintf(&b, "\n…and %d more (see the SARIF upload or the job log).\n", len(fs)-max)
				break
			}
			loc := f.Where()
			rule := f.Rule
			if f.Severity != "" {
				rule += " (" + f.Severity + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", levelIcon(f.Level), f.Check, mdCell(rule), mdCode(loc), mdCell(f.Message))
		}
		b.WriteString("\n</details>\n")
	}
	if r.Cost != nil && len(r.Cost.Envs) > 0 {
		fmt.Fprintf(&b, "\n#### Monthly cost estimate (%s)\n\n", costSource(r))
		hasBase := r.Cost.Base != nil
		if hasBase {
			b.WriteString("| env | units | base | head | change |\n|---|---:|---:|---:|---:|\n")
		} else {
			b.WriteString("| env | units | monthly |\n|---|---:|---:|\n")
		}
		for _, e := range r.Cost.Envs {
			if hasBase {
				base := 0.0
				if e.Base != nil {
					base = *e.Base
				}
				fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", mdCell(envName(e.Env)), e.Units, money(base), money(e.Monthly), signed(e.Monthly-base))
			} else {
				fmt.Fprintf(&b, "| %s | %d | %s |\n", mdCell(envName(e.Env)), e.Units, money(e.Monthly))
			}
		}
		if hasBase {
			fmt.Fprintf(&b, "| **total** | | %s | %s | %s |\n", money(*r.Cost.Base), money(r.Cost.Monthly), signed(r.Cost.Monthly-*r.Cost.Base))
		} else {
			fmt.Fprintf(&b, "| **total** | | %s |\n", money(r.Cost.Monthly))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
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

func levelIcon(l finding.Level) string {
	switch l {
	case finding.Error:
		return "❌ error"
	case finding.Warning:
		return "⚠️ warning"
	}
	return "ℹ️ note"
}

// mdCell keeps text inside one table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "\\", "\\\\")
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "<", "&lt;")
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "<br>")
}

func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "|", "\\|") + "`"
}
