package cli

import (
	"fmt"
	"os"
	"path/filepath"
)

// pipelineReviewFile is the review.json the pipeline wrote for the plan folder it applies
// (pipeline.Run: <out>/review.json for <out>/plans, <dir>/review.json for a later
// round's <dir>), so that `olechka pipeline` applies only what its review recorded, as
// apply --review does on GitHub (issue 17). No review.json: an error, nothing applied.
func pipelineReviewFile(plans string) (string, error) {
	for _, p := range []string{filepath.Join(plans, "review.json"), filepath.Join(filepath.Dir(plans), "review.json")} {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no review.json beside or in %s: the pipeline applies only reviewed plans", plans)
}
