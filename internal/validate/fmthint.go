package validate

import (
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/validate/hclfmt"
)

// fmtHints rewrites each unformatted-file finding's hint so that its command runs from
// the folder from (the user's, Options.UserDir; else the repository root, where CI
// runs): `olechka fmt <file>` with the file's path as seen from there (issue 17: every
// command olechka suggests works from where the user stands).
func fmtHints(fs []finding.Finding, from string) {
	for i, f := range fs {
		if f.Rule != hclfmt.RuleUnformatted || f.File == "" {
			continue
		}
		p := filepath.FromSlash(f.File)
		if from != "" && filepath.IsAbs(p) {
			if rel, err := filepath.Rel(from, p); err == nil {
				p = rel
			}
		}
		fs[i].Message = "not canonically formatted; run `olechka fmt " + shellArg(filepath.ToSlash(p)) + "`"
	}
}

// shellArg quotes s for a POSIX shell when it holds anything but safe characters.
func shellArg(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@+,", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
