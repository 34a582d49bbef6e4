package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/trust"
	"github.com/terragrunt-olechka/olechka/internal/validate/policy"
)

// RulePolicyChanged is the warning for a policy file a change adds, modifies or deletes:
// policies are read from the base commit (Options.PolicyBase), so the change's own
// policy edits are reported and take effect once merged, never judging the change.
const RulePolicyChanged = "policy-changed-by-this-change"

// basePolicy compiles the policy folder of commit ref (policy/ at the repository root,
// read from git objects, never from the working tree) and lists, as warnings, how the
// working tree's policy/ differs from it. A nil engine: the base has no policy folder.
func (s *stage) basePolicy(ctx context.Context, ref string) (*policy.Engine, []finding.Finding, string, error) {
	t, done, err := trust.BaseTree(ctx, s.repo, ref)
	if err != nil {
		return nil, nil, "", fmt.Errorf("policies from the base commit %q: %w", ref, err)
	}
	defer done()
	tmp, err := os.MkdirTemp("", "olechka-base-policy-")
	if err != nil {
		return nil, nil, "", err
	}
	defer os.RemoveAll(tmp)
	folder := "policy"
	found, changes, err := trust.Extract(t, folder, tmp)
	if err != nil {
		return nil, nil, "", fmt.Errorf("policies from the base commit %q: %w", ref, err)
	}
	commit := t.Commit()
	if len(commit) > 12 {
		commit = commit[:12]
	}
	var notes []finding.Finding
	for _, c := range changes {
		notes = append(notes, finding.Finding{Check: CheckPolicy, Rule: RulePolicyChanged, Level: finding.Warning, File: c.Path,
			Message: fmt.Sprintf("this change %s %s; policies are read from the base commit %s, so it does not judge this change and takes effect once merged", verb(c.Kind), c.Path, commit)})
	}
	source := fmt.Sprintf("; policies from the base commit %s", commit)
	if !found {
		return nil, notes, source, nil
	}
	engine, err := policy.Load(ctx, tmp)
	if err != nil {
		// Name the files as they are in the repository, not in the temporary copy.
		return nil, nil, "", fmt.Errorf("policies at %s: %s", commit, strings.ReplaceAll(err.Error(), tmp+string(filepath.Separator), folder+"/"))
	}
	return engine, notes, source, nil
}

func verb(kind string) string {
	switch kind {
	case "added":
		return "adds"
	case "deleted":
		return "deletes"
	}
	return "modifies"
}
