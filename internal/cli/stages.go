package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/validate"
)

// packageStages implements the pipeline's stages with the stage packages, through the
// same functions the commands call (runValidate, runPlan, runApply), with typed options.
type packageStages struct {
	sub              *subApp
	all, uncommitted bool
	base, head       string
	only             []string
	parallelism      int
	workDir          string
	eval             evalFlags
	output           progressFlags
}

// tofu is the plan/apply flags of the pipeline (the commands' defaults otherwise).
func (c *packageStages) tofu() tofuFlags {
	return tofuFlags{binary: "tofu", workDir: c.workDir, lockTimeout: 5 * time.Minute,
		parallelism: c.parallelism, eval: c.eval, output: c.output}
}

// Detect lists every unit (--all) or the units detect.Run finds affected.
func (c *packageStages) Detect(ctx context.Context, root string) (*detect.Result, error) {
	app := c.sub.child()
	if c.all {
		return everyUnit(ctx, app, &c.eval, root)
	}
	res, err := detect.Run(ctx, detect.Options{Root: root, Base: c.base, Head: c.head, Uncommitted: c.uncommitted,
		Getenv: lookupEnv(app), AllowRunCmd: c.eval.allowRunCmd})
	if err != nil {
		return nil, err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(app.Stderr, "warning:", w)
	}
	if len(res.HeadErrors) > 0 {
		for _, e := range res.HeadErrors {
			fmt.Fprintln(app.Stderr, indentError(e))
		}
		return nil, fmt.Errorf("%d units do not evaluate at head", len(res.HeadErrors))
	}
	return res, nil
}

// Validate runs every check (or --only), writes validate's JSON report and prints the
// verdict line; ok is false when an error finding or a policy denial fails the stage.
func (c *packageStages) Validate(ctx context.Context, root, report string) (bool, error) {
	app := c.sub.child()
	o := &validateOptions{only: c.only, eval: c.eval, format: "text", failOn: "error"}
	if err := o.validate([]string{root}); err != nil {
		return false, err
	}
	res, err := runValidate(ctx, app, o)
	if err != nil {
		return false, err
	}
	if err := writeReport(report, "json", res); err != nil {
		return false, err
	}
	// Only the verdict (the text report's last line): the findings are in the report
	// and the PR comment.
	var buf bytes.Buffer
	if err := validate.WriteText(&buf, res, false); err != nil {
		return false, err
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	fmt.Fprintln(app.Stdout, lines[len(lines)-1])
	return !res.Failed(o.level), nil
}

// Plan plans the units, then the destroys, into out. Units that fail are recorded in
// the artifacts (and review blocks them); only a plan folder that was not written is the
// stage failing.
func (c *packageStages) Plan(ctx context.Context, root, out string, units, destroy []string) error {
	app := c.sub.child()
	for _, batch := range []struct {
		destroy bool
		units   []string
	}{{false, units}, {true, destroy}} {
		if len(batch.units) == 0 {
			continue
		}
		o := &planOptions{tofu: c.tofu(), root: root, out: out, destroy: batch.destroy}
		for _, u := range batch.units {
			o.args = append(o.args, filepath.Join(root, filepath.FromSlash(u)))
		}
		named, err := o.validate()
		if err != nil {
			return err
		}
		res, err := runPlan(ctx, app, o, named)
		if err != nil {
			fmt.Fprintln(app.Stderr, "Error:", err)
		}
		if res != nil {
			writePlanSummary(app.Stdout, res, out)
		}
		if _, err := os.Stat(filepath.Join(out, artifact.RunFile)); err != nil {
			return fmt.Errorf("plan wrote no plan folder in %s", out)
		}
	}
	return nil
}

// Apply applies the given units' reviewed plans from the plan folder.
func (c *packageStages) Apply(ctx context.Context, root, plans string, units []string) error {
	app := c.sub.child()
	rev, err := pipelineReviewFile(plans)
	if err != nil {
		return err
	}
	o := &applyOptions{tofu: c.tofu(), plans: plans, root: root, units: units, review: rev}
	run, err := o.validate()
	if err != nil {
		return err
	}
	res, err := runApply(ctx, app, o, run)
	if err != nil {
		return err
	}
	writeApplySummary(app.Stdout, res)
	// A failed, refused or skipped unit fails the job; review and notify read why from
	// the artifacts.
	return applyExit(res, plans)
}
