// Package notify holds what every report of a pipeline run shares: where the run
// happened (links to the run, the pull request and the commit) and the outcome per
// unit, and builds the plan and apply reports from plan artifacts and review's
// decisions (PlanReport, ApplyReport). Its sub-packages build, render and deliver the
// other views: comment (the pull request's markdown), github (comments and drift issues
// through the REST API) and slack (Block Kit messages to an incoming webhook).
package notify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
)

// Run says where a report comes from. Every field may be empty (a local run).
type Run struct {
	ServerURL  string `json:"server_url,omitempty"` // https://github.com
	Repository string `json:"repository,omitempty"` // owner/name
	RunID      string `json:"run_id,omitempty"`
	RunAttempt string `json:"run_attempt,omitempty"`
	Workflow   string `json:"workflow,omitempty"`
	SHA        string `json:"sha,omitempty"` // the commit the run built
	Ref        string `json:"ref,omitempty"` // refs/heads/main, refs/pull/7/merge
	PR         int    `json:"pr,omitempty"`  // pull request number, 0 when none
	Actor      string `json:"actor,omitempty"`
	Event      string `json:"event,omitempty"` // pull_request, push, schedule, workflow_dispatch, local
}

var pullRef = regexp.MustCompile(`^refs/pull/(\d+)/`)

// RunFromEnv reads the run from GitHub Actions' default variables. OLECHKA_PR_NUMBER
// overrides the pull request number (jobs that run on push or workflow_run set it).
func RunFromEnv(getenv func(string) string) Run {
	r := Run{
		ServerURL:  strings.TrimRight(getenv("GITHUB_SERVER_URL"), "/"),
		Repository: getenv("GITHUB_REPOSITORY"),
		RunID:      getenv("GITHUB_RUN_ID"),
		RunAttempt: getenv("GITHUB_RUN_ATTEMPT"),
		Workflow:   getenv("GITHUB_WORKFLOW"),
		SHA:        getenv("GITHUB_SHA"),
		Ref:        getenv("GITHUB_REF"),
		Actor:      getenv("GITHUB_ACTOR"),
		Event:      getenv("GITHUB_EVENT_NAME"),
	}
	if r.ServerURL == "" && r.Repository != "" {
		r.ServerURL = "https://github.com"
	}
	if n, err := strconv.Atoi(getenv("OLECHKA_PR_NUMBER")); err == nil && n > 0 {
		r.PR = n
	} else if m := pullRef.FindStringSubmatch(r.Ref); m != nil {
		r.PR, _ = strconv.Atoi(m[1])
	}
	// On pull_request events GITHUB_SHA is the merge commit; the head commit is more useful.
	if h := getenv("OLECHKA_HEAD_SHA"); h != "" {
		r.SHA = h
	}
	return r
}

func (r Run) repoURL() string {
	if r.ServerURL == "" || r.Repository == "" {
		return ""
	}
	return r.ServerURL + "/" + r.Repository
}

// RunURL links to the workflow run ("" when unknown).
func (r Run) RunURL() string {
	base := r.repoURL()
	if base == "" || r.RunID == "" {
		return ""
	}
	u := base + "/actions/runs/" + r.RunID
	if r.RunAttempt != "" && r.RunAttempt != "1" {
		u += "/attempts/" + r.RunAttempt
	}
	return u
}

// PRURL links to the pull request ("" when none).
func (r Run) PRURL() string {
	base := r.repoURL()
	if base == "" || r.PR == 0 {
		return ""
	}
	return fmt.Sprintf("%s/pull/%d", base, r.PR)
}

// CommitURL links to the commit ("" when unknown).
func (r Run) CommitURL() string {
	base := r.repoURL()
	if base == "" || r.SHA == "" {
		return ""
	}
	return base + "/commit/" + r.SHA
}

// ShortSHA is the commit's first 7 characters.
func (r Run) ShortSHA() string { return artifact.ShortCommit(r.SHA) }

// Stage names what a report is about.
type Stage string

// The stages that report.
const (
	StagePlan  Stage = "plan"
	StageApply Stage = "apply"
	StageDrift Stage = "drift"
)

// Status is one unit's outcome.
type Status string

// Outcomes, from worst to best (see Severity).
const (
	Failed    Status = "failed"  // the tool failed
	Blocked   Status = "blocked" // a policy denial or a refused (stale) plan stopped it
	Skipped   Status = "skipped" // a dependency failed or was blocked
	Pending   Status = "pending" // waits for an approval
	Drifted   Status = "drifted" // real infrastructure differs from the code
	Planned   Status = "planned" // a plan with changes
	Applied   Status = "applied" // changes applied
	NoChanges Status = "no-changes"
)

// Severity orders statuses: lower is worse.
func (s Status) Severity() int {
	switch s {
	case Failed:
		return 0
	case Blocked:
		return 1
	case Skipped:
		return 2
	case Pending:
		return 3
	case Drifted:
		return 4
	case Planned:
		return 5
	case Applied:
		return 6
	case NoChanges:
		return 7
	}
	return 8
}

// Bad reports an outcome that needs someone's attention (failed, blocked, skipped).
func (s Status) Bad() bool { return s.Severity() <= 2 }

// UnitResult is one unit's outcome in a report: the unit (detect's affected unit, or
// what its plan recorded of it) and what became of it.
type UnitResult struct {
	detect.Affected
	Status      Status          `json:"status"`
	Counts      artifact.Counts `json:"counts"`
	Destructive bool            `json:"destructive,omitempty"` // destroys or replaces something stateful
	Message     string          `json:"message,omitempty"`     // one line: why it failed, was blocked or skipped
	Duration    time.Duration   `json:"duration,omitempty"`
}

// UnitOf is the unit a plan artifact was made for, as detect names an affected unit
// (without detect's reasons).
func UnitOf(m artifact.Metadata) detect.Affected {
	return detect.Affected{Path: m.Unit, Action: m.Action, Wave: m.Wave, Env: m.Env, Region: m.Region, Tier: m.Tier, AccountID: m.AccountID}
}

// Report is the outcome of one stage of one run.
type Report struct {
	Stage Stage        `json:"stage"`
	Run   Run          `json:"run"`
	Units []UnitResult `json:"units"`
	// ArtifactsURL links to the run's artifacts (plans, logs, the full comment).
	ArtifactsURL string `json:"artifacts_url,omitempty"`
	// Simulated lists the simulated providers the plans ran with (artifact.Metadata.Simulated):
	// every view shows a "Simulated AWS" banner when it is not empty.
	Simulated []string `json:"simulated,omitempty"`
}

// Worst returns the worst status in the report (NoChanges when it is empty).
func (r Report) Worst() Status {
	w := NoChanges
	for _, u := range r.Units {
		if u.Status.Severity() < w.Severity() {
			w = u.Status
		}
	}
	return w
}

// Tally counts units per status.
func (r Report) Tally() map[Status]int {
	m := map[Status]int{}
	for _, u := range r.Units {
		m[u.Status]++
	}
	return m
}

// Text renders the report for a terminal or a log: a title line, then one line per unit.
func (r Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "olechka %s", r.Stage)
	if u := r.Run.RunURL(); u != "" {
		fmt.Fprintf(&b, " (%s)", u)
	}
	tally := r.Tally()
	var parts []string
	for _, s := range []Status{Failed, Blocked, Skipped, Pending, Drifted, Planned, Applied, NoChanges} {
		if tally[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", tally[s], s))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no units"}
	}
	b.WriteString(": " + strings.Join(parts, ", ") + "\n")
	b.WriteString(r.simulatedLine())
	for _, u := range r.Units {
		fmt.Fprintf(&b, "  %-10s %s", u.Status, u.Path)
		if !u.Counts.Zero() {
			fmt.Fprintf(&b, " [%s]", u.Counts)
		}
		if u.Message != "" {
			b.WriteString(": " + u.Message)
		}
		b.WriteString("\n")
	}
	return b.String()
}
