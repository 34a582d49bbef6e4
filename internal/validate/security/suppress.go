package security

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// suppression is one `trivy:ignore:ID` (or tfsec:ignore:ID) in a comment.
type suppression struct {
	file   string // absolute
	line   int    // line of the comment
	ids    []string
	reason string
}

type suppressionSet []suppression

// reasonFor finds the reason of the suppression that silenced a result of check id
// starting at line: trivy applies a comment to its own line and to the line below it.
func (ss suppressionSet) reasonFor(file string, line int, id string) string {
	for _, s := range ss {
		if s.file != file || (s.line != line && s.line != line-1) {
			continue
		}
		for _, sid := range s.ids {
			if matchesID(sid, id) {
				return s.reason
			}
		}
	}
	// a suppression above a block applies to findings inside it: take the nearest one above
	best := -1
	for i, s := range ss {
		if s.file != file || s.line > line || (best >= 0 && ss[best].line > s.line) {
			continue
		}
		for _, sid := range s.ids {
			if matchesID(sid, id) {
				best = i
			}
		}
	}
	if best >= 0 {
		return ss[best].reason
	}
	return ""
}

func matchesID(suppressed, id string) bool {
	suppressed = strings.ToUpper(strings.TrimPrefix(strings.ToUpper(suppressed), "AVD-"))
	id = strings.ToUpper(strings.TrimPrefix(id, "AVD-"))
	return suppressed == id || suppressed == "*"
}

// suppressions reads every trivy/tfsec ignore comment of the files and reports those
// without a reason. A reason is text on the same comment besides the ignore rules
// (`#trivy:ignore:AVD-AWS-0089 access logs cannot log to themselves`), or a plain
// comment line right above it. Finding paths are relative to root.
func suppressions(files []string, root string) (suppressionSet, []finding.Finding, error) {
	var set suppressionSet
	var out []finding.Finding
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		if !strings.Contains(string(src), "ignore:") {
			continue
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			rel = p
		}
		toks, _ := hclsyntax.LexConfig(src, p, hcl.InitialPos)
		// full-line comments by their last line, to find a reason written above
		plain := map[int]string{}
		for i, t := range toks {
			if t.Type != hclsyntax.TokenComment {
				continue
			}
			text := string(t.Bytes)
			if isIgnoreComment(text) || !startsLine(toks, i) {
				continue
			}
			end := t.Range.End.Line
			if strings.HasSuffix(text, "\n") {
				end-- // # and // comments include their newline
			}
			plain[end] = commentText(text)
		}
		for _, t := range toks {
			if t.Type != hclsyntax.TokenComment {
				continue
			}
			text := string(t.Bytes)
			if !isIgnoreComment(text) {
				continue
			}
			ids, reason := parseIgnore(text)
			line := t.Range.Start.Line
			if reason == "" {
				reason = plain[line-1]
			}
			set = append(set, suppression{file: p, line: line, ids: ids, reason: reason})
			if !hasWords(reason) {
				var named []string
				for _, id := range ids {
					named = append(named, "trivy:ignore:"+id)
				}
				out = append(out, finding.Finding{
					Check: "security", Rule: RuleNoReason, Level: finding.Error,
					Message: fmt.Sprintf("suppression %s has no reason: say why on the same comment (`#%s <why this is acceptable>`) or in a comment line right above it",
						strings.Join(named, " "), firstOr(named, "trivy:ignore:ID")),
					File: filepath.ToSlash(rel), Line: line, Column: t.Range.Start.Column,
				})
			}
		}
	}
	return set, out, nil
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// startsLine reports whether token i is the first token on its line.
func startsLine(toks hclsyntax.Tokens, i int) bool {
	if i == 0 {
		return true
	}
	prev := toks[i-1]
	return prev.Type == hclsyntax.TokenNewline || prev.Range.End.Line < toks[i].Range.Start.Line ||
		(prev.Type == hclsyntax.TokenComment && strings.HasSuffix(string(prev.Bytes), "\n"))
}

func isIgnoreComment(text string) bool {
	for _, w := range strings.Fields(text) {
		w = strings.TrimLeft(w, "#/*")
		if strings.HasPrefix(w, "trivy:ignore:") || strings.HasPrefix(w, "tfsec:ignore:") {
			return true
		}
	}
	return false
}

// parseIgnore splits an ignore comment into the checks it names and the rest (the reason).
func parseIgnore(text string) (ids []string, reason string) {
	var rest []string
	for _, w := range strings.Fields(commentText(text)) {
		bare := strings.TrimLeft(w, "#/*")
		after, ok := strings.CutPrefix(bare, "trivy:")
		if !ok {
			after, ok = strings.CutPrefix(bare, "tfsec:")
		}
		if ok {
			// ignore:ID[:exp:2025-01-01][:ws:name]...
			parts := strings.Split(after, ":")
			if len(parts) >= 2 && parts[0] == "ignore" {
				id := parts[1]
				if i := strings.Index(id, "["); i >= 0 {
					id = id[:i]
				}
				ids = append(ids, id)
			}
			continue
		}
		rest = append(rest, w)
	}
	reason = strings.TrimSpace(strings.Join(rest, " "))
	reason = strings.TrimLeft(reason, "-–—:;,. ")
	if r, ok := cutPrefixFold(reason, "reason:"); ok {
		reason = strings.TrimSpace(r)
	}
	return ids, reason
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// commentText strips comment markers: #, //, /* */.
func commentText(text string) string {
	text = strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(text, "/*"):
		text = strings.TrimSuffix(strings.TrimPrefix(text, "/*"), "*/")
	case strings.HasPrefix(text, "//"):
		text = strings.TrimPrefix(text, "//")
	case strings.HasPrefix(text, "#"):
		text = strings.TrimPrefix(text, "#")
	}
	return strings.TrimSpace(text)
}

// hasWords: a reason must say something: at least three letters.
func hasWords(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 3
}
