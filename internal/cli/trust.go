package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/trust"
)

// planTrustRef is the commit whose trusted settings (.olechka.hcl) govern a plan:
// $OLECHKA_TRUSTED_REF (the workflow sets the pull request's base commit), else the base
// commit detect compared against (--changed). With neither, a plan in a pull request's
// workflow (GITHUB_EVENT_NAME pull_request*) reads the base branch, origin/$GITHUB_BASE_REF;
// any other run (a developer's machine, a push to main, drift) trusts its own checkout ("").
func planTrustRef(getenv func(string) string, detectBase string) (ref string, fromDisk bool) {
	if r := getenv("OLECHKA_TRUSTED_REF"); r != "" {
		return r, false
	}
	if detectBase != "" {
		return detectBase, false
	}
	switch getenv("GITHUB_EVENT_NAME") {
	case "pull_request", "pull_request_target":
		if b := getenv("GITHUB_BASE_REF"); b != "" {
			return "origin/" + b, false
		}
		return "", false
	}
	return "", true
}

// planHookGate reads the trusted settings for a plan of the tree at root and returns the
// gate every hook passes before it runs (executor.Options.AllowHook).
func planHookGate(ctx context.Context, getenv func(string) string, stderr io.Writer, root, detectBase string) (func(string, []string) error, error) {
	ref, fromDisk := planTrustRef(getenv, detectBase)
	if ref == "" && !fromDisk {
		// A pull request with no base to read from: no hook runs at plan time.
		c := &trust.Config{Source: "a pull request's checkout with no base commit to read " + trust.File + " from"}
		return c.AllowHook, nil
	}
	c, err := trust.Load(ctx, root, ref)
	if err != nil {
		return nil, fmt.Errorf("reading the trusted settings (%s): %w", trust.File, err)
	}
	if c.PlanHooks {
		fmt.Fprintf(stderr, "note: hooks run at plan time (plan_hooks = true in %s)\n", c.Source)
	}
	return c.AllowHook, nil
}

// localPlanKeys is the age key pair local runs seal binary plans with: kept in
// <base>/.olechka/keys/plan.agekey (0600), outside the plan and pipeline folders, made on
// first use. A variable the caller set ($OLECHKA_PLAN_RECIPIENT, $OLECHKA_PLAN_IDENTITY)
// wins. The keys are olechka's own: they are not passed to OpenTofu.
func localPlanKeys(getenv func(string) string, base string) (map[string]string, error) {
	keys := map[string]string{}
	if getenv(artifact.EnvPlanRecipient) != "" {
		return keys, nil
	}
	dir := filepath.Join(base, ".olechka", "keys")
	file := filepath.Join(dir, "plan.agekey")
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		id, rec, err := artifact.NewPlanKey()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		b = []byte("# olechka local plan key; recipient: " + rec + "\n" + id + "\n")
		if err := os.WriteFile(file, b, 0o600); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	var id, rec string
	for _, line := range strings.Split(string(b), "\n") {
		if r, ok := strings.CutPrefix(line, "# olechka local plan key; recipient: "); ok {
			rec = strings.TrimSpace(r)
		} else if strings.HasPrefix(line, "AGE-SECRET-KEY-") {
			id = strings.TrimSpace(line)
		}
	}
	if id == "" || rec == "" {
		return nil, fmt.Errorf("%s: not an olechka plan key (delete it to make a new one)", file)
	}
	keys[artifact.EnvPlanRecipient] = rec
	if getenv(artifact.EnvPlanIdentity) == "" {
		keys[artifact.EnvPlanIdentity] = id
	}
	return keys, nil
}
