package bootstrap

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Status is the outcome of one step.
type Status string

// The outcomes of a step. The "would" ones appear only in a dry run.
const (
	OK          Status = "ok"           // already as wanted
	Created     Status = "created"      // the resource was created
	Set         Status = "set"          // a setting of a resource created in this run
	Fixed       Status = "fixed"        // a setting had drifted and was put back
	WouldCreate Status = "would create" // dry run: the resource is missing
	WouldSet    Status = "would set"    // dry run: a setting of a missing resource
	WouldFix    Status = "would fix"    // dry run: a setting has drifted
	Unsupported Status = "unsupported"  // the server lacks the API (e.g. gofakes3, dynalite)
	Failed      Status = "failed"       // an error; Detail says which
)

// Step is one checked resource or setting.
type Step struct {
	Resource string `json:"resource"` // e.g. "s3://terraform-state-...", "dynamodb:terraform-locks"
	Setting  string `json:"setting"`  // "exists", "versioning", "encryption"...
	Status   Status `json:"status"`
	Want     string `json:"want,omitempty"`
	Current  string `json:"current,omitempty"` // what was found, when it was read
	Drift    bool   `json:"drift,omitempty"`   // an existing resource differed from what is wanted
	Detail   string `json:"detail,omitempty"`
}

// Report is everything a run found and did.
type Report struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	Bucket    string `json:"bucket"`
	LogBucket string `json:"log_bucket,omitempty"`
	Table     string `json:"table"`
	KeyAlias  string `json:"key_alias,omitempty"`
	DryRun    bool   `json:"dry_run"`
	Steps     []Step `json:"steps"`
}

// Count returns how many steps ended with status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, st := range r.Steps {
		if st.Status == s {
			n++
		}
	}
	return n
}

// Changed is the number of steps that changed something.
func (r *Report) Changed() int { return r.Count(Created) + r.Count(Set) + r.Count(Fixed) }

// Pending is the number of changes a dry run would make.
func (r *Report) Pending() int { return r.Count(WouldCreate) + r.Count(WouldSet) + r.Count(WouldFix) }

// Drifted lists the steps that found an existing resource differing from what is wanted.
func (r *Report) Drifted() []Step {
	var out []Step
	for _, s := range r.Steps {
		if s.Drift {
			out = append(out, s)
		}
	}
	return out
}

// Write prints the report for people: one line per step, grouped by resource, then a
// summary line.
func (r *Report) Write(w io.Writer) error {
	mode := ""
	if r.DryRun {
		mode = " (dry run: nothing is changed)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bootstrap account %s, region %s%s\n", r.AccountID, r.Region, mode)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	last := ""
	for _, s := range r.Steps {
		if s.Resource != last {
			// A line without tabs ends tabwriter's column block: each resource aligns
			// on its own.
			fmt.Fprintf(tw, "%s\n", s.Resource)
			last = s.Resource
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Setting, s.Status, stepDetail(s))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "summary: %d ok, %d changed", r.Count(OK), r.Changed())
	if r.DryRun {
		fmt.Fprintf(&b, ", %d would change", r.Pending())
	}
	fmt.Fprintf(&b, ", %d drifted, %d unsupported by the server, %d failed\n", len(r.Drifted()), r.Count(Unsupported), r.Count(Failed))
	_, err := io.WriteString(w, b.String())
	return err
}

func stepDetail(s Step) string {
	var parts []string
	switch {
	case s.Status == Unsupported:
		parts = append(parts, "want "+s.Want)
	case s.Drift && s.Current != "":
		parts = append(parts, fmt.Sprintf("drift: %s, want %s", s.Current, s.Want))
	case s.Status == OK && s.Current != "":
		parts = append(parts, s.Current)
	case s.Want != "" && s.Status != OK:
		parts = append(parts, s.Want)
	}
	if s.Detail != "" {
		parts = append(parts, s.Detail)
	}
	return strings.Join(parts, "; ")
}
