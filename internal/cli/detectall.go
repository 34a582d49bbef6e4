package cli

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
)

// everyUnit is a detect result in which every unit under root is affected (to plan),
// in run order (wave, then path), with the checked-out commit as head and no base:
// what `olechka detect --all` packs into plan jobs (drift.yml plans the whole tree so)
// and what `olechka pipeline --all` plans.
func everyUnit(ctx context.Context, app *App, eval *evalFlags, root string) (*detect.Result, error) {
	rows, t, err := listUnits(ctx, app, eval, root)
	if err == nil {
		err = reportTreeErrors(app, t)
	}
	if err != nil {
		return nil, fmt.Errorf("listing the units: %w", err)
	}
	res := &detect.Result{Head: commitOf(ctx, app, root), Units: []detect.Affected{}}
	for _, r := range rows {
		res.Units = append(res.Units, detect.Affected{Path: r.Path, Action: artifact.ActionPlan, Wave: r.Wave, Env: r.Env,
			Tier: r.Tier, Region: r.Region, AccountID: r.AccountID, Reasons: []string{"every unit (--all)"}})
	}
	slices.SortStableFunc(res.Units, func(a, b detect.Affected) int {
		return cmp.Or(cmp.Compare(a.Wave, b.Wave), cmp.Compare(a.Path, b.Path))
	})
	return res, nil
}

// detectOrAll is detect.Run, or with all every unit (--base, --head and --uncommitted
// then make no sense and are refused).
func detectOrAll(ctx context.Context, app *App, eval *evalFlags, opts detect.Options, all bool) (*detect.Result, error) {
	if !all {
		return detect.Run(ctx, opts)
	}
	if opts.Base != "" || opts.Head != "" || opts.Uncommitted || opts.Full {
		return nil, fmt.Errorf("--all takes every unit of the checkout: it cannot be used with --base, --head, --uncommitted or --full")
	}
	return everyUnit(ctx, app, eval, opts.Root)
}
