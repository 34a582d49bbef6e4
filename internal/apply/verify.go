package apply

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

// NotReviewedError refuses a plan that is not the one that was reviewed (or not the
// one that was planned), naming each difference. Nothing of the unit ran.
type NotReviewedError struct {
	Unit    string
	Reasons []string
}

func (e *NotReviewedError) Error() string {
	return fmt.Sprintf("%s: not the reviewed plan, not applied:\n  - %s\nPlan and review it again; apply runs only the plan review recorded.",
		e.Unit, strings.Join(e.Reasons, "\n  - "))
}

// reviewRecord is review.json (olechka review --out) as apply reads it, once per run.
type reviewRecord struct {
	once sync.Once
	by   map[string]review.Decision
	err  error
}

func (rr *reviewRecord) load(path string) (map[string]review.Decision, error) {
	rr.once.Do(func() {
		b, err := os.ReadFile(path)
		if err != nil {
			rr.err = fmt.Errorf("reading the review: %w", err)
			return
		}
		var doc struct {
			Decisions []review.Decision `json:"decisions"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			rr.err = fmt.Errorf("%s is not olechka review's JSON output: %w", path, err)
			return
		}
		rr.by = map[string]review.Decision{}
		for _, d := range doc.Decisions {
			rr.by[d.Unit] = d
		}
	})
	return rr.by, rr.err
}

// verify checks, before anything runs for the unit, that p is exactly the plan that
// was planned for this unit and, with --review, the one review recorded: the folder it
// sits at names its unit, its files have the digests recorded at plan time and in
// review.json, and it was made against the state review saw (lineage, serial).
func (r *run) verify(p *artifact.Plan) error {
	m := p.Metadata
	if m.Status != artifact.StatusPlanned {
		return nil // not applied: the job loop skips it
	}
	reasons, now, err := p.Check()
	if err != nil {
		return &NotReviewedError{Unit: m.Unit, Reasons: []string{"the plan's files cannot be read: " + err.Error()}}
	}
	if r.opts.Review != "" {
		reasons = append(reasons, r.compareReview(m, now)...)
	}
	if len(reasons) > 0 {
		return &NotReviewedError{Unit: m.Unit, Reasons: reasons}
	}
	return nil
}

// compareReview names how the plan differs from what review.json recorded for its unit.
func (r *run) compareReview(m artifact.Metadata, now *artifact.Digests) []string {
	by, err := r.review.load(r.opts.Review)
	if err != nil {
		return []string{err.Error()}
	}
	d, ok := by[m.Unit]
	switch {
	case !ok:
		return []string{fmt.Sprintf("%s has no decision for %s: it was not reviewed", r.opts.Review, m.Unit)}
	case d.Gate == review.Blocked:
		return []string{"review blocked it: " + strings.Join(d.Reasons, "; ")}
	case d.Reviewed == nil:
		return []string{fmt.Sprintf("%s records no reviewed plan for %s (made by an olechka without plan digests?)", r.opts.Review, m.Unit)}
	}
	var out []string
	if d.Action != "" && d.Action != m.Action {
		out = append(out, fmt.Sprintf("action: reviewed %s, the plan is a %s", d.Action, m.Action))
	}
	rec := &artifact.Digests{Unit: d.Unit, Files: d.Reviewed.Digests}
	for _, diff := range rec.Diff(now) {
		out = append(out, "differs from the reviewed plan: "+diff)
	}
	if d.Reviewed.State != m.State {
		out = append(out, fmt.Sprintf("state: the reviewed plan was made against %s, this one against %s", d.Reviewed.State, m.State))
	}
	if d.Reviewed.Commit != "" && d.Reviewed.Commit != m.Commit {
		out = append(out, fmt.Sprintf("commit: reviewed %s, the plan was made at %s", artifact.ShortID(d.Reviewed.Commit), artifact.ShortID(m.Commit)))
	}
	return out
}

// refused records a NotReviewedError as the unit's refusal; false for other errors.
func refused(err error, res *UnitResult) bool {
	var nr *NotReviewedError
	if !errors.As(err, &nr) {
		return false
	}
	res.Status, res.Reason, res.Err = StatusRefused, strings.Join(nr.Reasons, "; "), err
	return true
}
