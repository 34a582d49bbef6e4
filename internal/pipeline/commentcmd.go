package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	"github.com/terragrunt-olechka/olechka/internal/review"
	"github.com/terragrunt-olechka/olechka/internal/validate/cost"
)

// CommentSources name the files a PR comment is assembled from; any may be "".
type CommentSources struct {
	Plans    string // plan folder
	Detect   string // olechka detect --format json
	Findings string // olechka validate --format json
	Cost     string // cost report (validate's cost JSON); default: the one in Findings
	Review   string // olechka review --format json; "" = review the plans without a tree
}

// LoadComment reads the sources and assembles the comment's input.
func LoadComment(ctx context.Context, run notify.Run, src CommentSources) (comment.Input, error) {
	var (
		det       *Detected
		plans     []*artifact.Plan
		findings  []finding.Finding
		costRep   *cost.Report
		decisions []review.Decision
		err       error
	)
	if src.Detect != "" {
		if det, err = ReadDetect(src.Detect); err != nil {
			return comment.Input{}, err
		}
	}
	if src.Plans != "" {
		plans, err = artifact.ReadDir(src.Plans)
		if err != nil {
			// No plans yet (every plan job failed, or planning was skipped): comment anyway.
			if _, statErr := os.Stat(filepath.Join(src.Plans, artifact.UnitsDir)); !errors.Is(statErr, fs.ErrNotExist) {
				return comment.Input{}, err
			}
			plans = nil
		}
	}
	if src.Findings != "" {
		if findings, err = ReadFindings(src.Findings); err != nil {
			return comment.Input{}, err
		}
	}
	switch {
	case src.Cost != "":
		if costRep, err = ReadCost(src.Cost); err != nil {
			return comment.Input{}, err
		}
	case src.Findings != "":
		// validate's JSON carries the cost report beside the findings.
		costRep, _ = ReadCost(src.Findings)
	}
	switch {
	case src.Review != "":
		r, err := ReadReview(src.Review)
		if err != nil {
			return comment.Input{}, err
		}
		decisions = r.Decisions
	case len(plans) > 0:
		head := ""
		if det != nil {
			head = det.Head
		}
		decisions = review.Decide(ReviewUnits(plans, nil, findings, head), review.DefaultPolicy())
	}
	if det == nil && len(plans) == 0 {
		return comment.Input{}, fmt.Errorf("nothing to comment on: give --detect and/or --plans")
	}
	in := CommentInput(run, det, plans, decisions, findings, costRep)
	if u := run.RunURL(); u != "" {
		in.FullURL = u + "#artifacts"
	}
	return in, nil
}

// WriteCommentFiles writes the full comment to path and, when the comment is posted
// in several parts, each part beside it (comment.part2.md, ...). It returns the files.
func WriteCommentFiles(path string, in comment.Input, opt comment.Options) ([]string, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(path, []byte(comment.Full(in)), 0o644); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	files := []string{path}
	parts := comment.Render(in, opt)
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
