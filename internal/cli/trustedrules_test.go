package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	pt "github.com/terragrunt-olechka/olechka/internal/artifact/artifacttest"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

var rulesTree = map[string]string{
	"root.hcl": `locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl"))
}
inputs = {
  environment = local.env.locals.environment
  tier        = local.env.locals.tier
}
`,
	"dev/env.hcl":                   "locals {\n  environment = \"dev\"\n  tier        = \"dev\"\n}\n",
	"production/env.hcl":            "locals {\n  environment = \"production\"\n  tier        = \"production\"\n  approval    = \"manual\"\n}\n",
	"dev/app/terragrunt.hcl":        "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
	"production/app/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
	"production/cache/README.md":    "Planned: a cache. Not a unit yet.\n",
}

// The pull request: production's approval relaxed and its apply job sent to an
// environment without reviewers, and a new production unit.
var rulesChange = map[string]string{
	"production/env.hcl":              "locals {\n  environment        = \"production\"\n  tier               = \"production\"\n  approval           = \"auto\"\n  github_environment = \"dev\"\n}\n",
	"production/cache/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n",
}

// TestReviewRulesFromTheBase replays issue 14's "the PR judges itself" for review's
// rules: a pull request that sets production's approval to "auto" (and names an
// environment without reviewers) reviews its own production change as automatic when
// the checkout's env.hcl is read; with the base commit's rules (OLECHKA_TRUSTED_REF, as
// the workflows set it) the change is still gated, the new unit too, and each relaxed
// rule is a warning.
func TestReviewRulesFromTheBase(t *testing.T) {
	dir := gitTree(t, rulesTree, rulesChange)
	base := strings.TrimSpace(gitOut(t, dir, "rev-parse", "main"))
	// Plans of the change, fingerprinted as review evaluates the tree now.
	wd, _ := os.Getwd()
	ev := config.NewEvaluator(config.Options{RepoRoot: repoRoot(wd), Getenv: func(string) (string, bool) { return "", false }})
	tr, err := ev.Tree(context.Background(), dir)
	if err != nil || tr.Err() != nil {
		t.Fatal(err, tr.Err())
	}
	var units []pt.Unit
	for _, u := range tr.Units {
		units = append(units, pt.Unit{Path: u.Path, Env: u.Env, Tier: u.Tier, AccountID: "111111111111", Fingerprint: u.Fingerprint,
			Resources: []artifact.ResourceChange{pt.Update("terraform_data.x")}})
	}
	plans := pt.Write(t, t.TempDir(), "c0ffee", units...)

	decide := func(env map[string]string) (map[string]review.Decision, string) {
		t.Helper()
		out, errOut, code := runEnv(t, env, "review", "--plans", plans, "--format", "json", dir)
		if code != 0 {
			t.Fatalf("review: exit %d\n%s%s", code, out, errOut)
		}
		var res struct {
			Decisions []review.Decision `json:"decisions"`
			Warnings  []string          `json:"warnings"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		by := map[string]review.Decision{}
		for _, d := range res.Decisions {
			by[d.Unit] = d
		}
		return by, strings.Join(res.Warnings, "\n") + errOut
	}

	// The attack, judged by the checkout: production applies automatically, in "dev".
	own, _ := decide(map[string]string{})
	if d := own["production/app"]; d.Gate != review.Auto || d.Environment != "dev" {
		t.Fatalf("checkout's rules: production/app is %s in %s; the test's premise is that the PR's env.hcl relaxes it", d.Gate, d.Environment)
	}

	// Judged by the base commit's rules.
	got, warnings := decide(map[string]string{"OLECHKA_TRUSTED_REF": base})
	for _, u := range []string{"production/app", "production/cache"} {
		d := got[u]
		if d.Gate != review.Manual || d.Environment != "production" {
			t.Errorf("%s: %s in environment %s, want manual in production (reasons %v)", u, d.Gate, d.Environment, d.Reasons)
		}
	}
	if d := got["dev/app"]; d.Gate != review.Auto || d.Environment != "dev" {
		t.Errorf("dev/app: %s in %s, want auto in dev", d.Gate, d.Environment)
	}
	for _, want := range []string{
		`production/app: this change sets approval = "auto" (the base has "manual")`,
		`production/app: this change sets github_environment = "dev" (the base has unset)`,
		`production/cache: this change sets approval = "auto" (the base has "manual")`,
		"under production/ (the unit is new)",
	} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	if !strings.Contains(strings.Join(got["production/app"].Reasons, "\n"), "review rule changed by this change") {
		t.Errorf("production/app's reasons do not note the relaxed rule: %v", got["production/app"].Reasons)
	}
	// A ref that does not exist is an error, not a silent fallback to the checkout.
	if _, errOut, code := runEnv(t, nil, "review", "--plans", plans, "--rules-base", "no-such-ref", dir); code == 0 {
		t.Errorf("review with an unknown --rules-base passed:\n%s", errOut)
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}
