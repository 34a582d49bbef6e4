package comment

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// Sources name the files a comment is assembled from; any may be "".
type Sources struct {
	Plans    string // plan folder
	Detect   string // olechka detect --format json
	Findings string // olechka validate --format json
	Cost     string // cost report (validate's cost JSON); default: the one in Findings
	Review   string // olechka review --format json; "" = review the plans without a tree
}

// Load reads the sources and builds the comment.
func Load(ctx context.Context, run notify.Run, src Sources) (Input, error) {
	var (
		det      *detect.Result
		plans    []*artifact.Plan
		findings []finding.Finding
		err      error
	)
	if src.Detect != "" {
		if det, err = detect.ReadResult(src.Detect); err != nil {
			return Input{}, err
		}
	}
	if plans, err = readPlans(src.Plans); err != nil {
		return Input{}, err
	}
	if src.Findings != "" {
		if findings, err = finding.ReadFile(src.Findings); err != nil {
			return Input{}, err
		}
	}
	costRep, err := readCost(src)
	if err != nil {
		return Input{}, err
	}
	var decisions []review.Decision
	if src.Review != "" || len(plans) > 0 {
		head := ""
		if det != nil {
			head = det.Head
		}
		if decisions, err = review.Decisions(src.Review, plans, findings, head); err != nil {
			return Input{}, err
		}
	}
	if det == nil && len(plans) == 0 {
		return Input{}, fmt.Errorf("nothing to comment on: give --detect and/or --plans")
	}
	in := Build(run, det, plans, decisions, findings, costRep)
	if u := run.RunURL(); u != "" {
		in.FullURL = u + "#artifacts"
	}
	return in, nil
}

// readPlans reads the plan folder ("" or a folder without units: no plans, as when
// every plan job failed or planning was skipped: the comment is made anyway).
func readPlans(dir string) ([]*artifact.Plan, error) {
	if dir == "" {
		return nil, nil
	}
	plans, err := artifact.ReadDir(dir)
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, artifact.UnitsDir)); !errors.Is(statErr, fs.ErrNotExist) {
			return nil, err
		}
		return nil, nil
	}
	return plans, nil
}

// readCost reads the cost report of --cost, else the one validate's JSON carries beside
// the findings (when there is none there, no cost is shown).
func readCost(src Sources) (*cost.Report, error) {
	switch {
	case src.Cost != "":
		return cost.ReadReport(src.Cost)
	case src.Findings != "":
		c, _ := cost.ReadReport(src.Findings)
		return c, nil
	}
	return nil, nil
}

// WriteFiles writes the full comment to path and, when the comment is posted in
// several parts, each part beside it (comment.part2.md, ...). It returns the files.
func WriteFiles(path string, in Input, opt Options) ([]string, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(path, []byte(Full(in)), 0o644); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	files := []string{path}
	parts := Render(in, opt)
	if len(parts) > 1 {
		ext := filepath.Ext(path)
		base := strings.TrimSuffix(path, ext)
		for i, p := range parts {
			f := fmt.Sprintf("%s.part%d%s", base, i+1, ext)
			if err := os.WriteFile(f, []byte(p), 0o644); err != nil {
				return nil, fmt.Errorf("writing %s: %w", f, err)
			}
			files = append(files, f)
		}
	}
	return files, nil
}
