package github

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	gh "github.com/google/go-github/v84/github"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/notify"
)

// DriftLabel is the label every drift issue carries.
const DriftLabel = "drift"

var driftMarkerRe = regexp.MustCompile(`<!-- olechka:drift unit=(\S+) -->`)

// DriftMarker is the hidden line that ties an issue to a unit.
func DriftMarker(unit string) string { return "<!-- olechka:drift unit=" + unit + " -->" }

// DriftUnitOf returns the unit an issue body is about, or "".
func DriftUnitOf(body string) string {
	m := driftMarkerRe.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// DriftedUnit is a unit whose plan on the default branch is not empty.
type DriftedUnit struct {
	detect.Affected
	Counts  artifact.Counts
	Changes []artifact.ResourceChange
	// Drift counts resources changed outside OpenTofu (OpenTofu's resource_drift).
	Drift    int
	PlanText string
}

// DriftSync is the outcome of one drift check.
type DriftSync struct {
	Run     notify.Run
	Drifted []DriftedUnit
	// Clean lists units whose plan was empty: their issues are closed.
	Clean []string
	// Units lists every unit of the tree; open issues of units not in it are closed (the
	// unit was removed). nil leaves such issues alone. Units whose plan failed belong
	// in Units but in neither Drifted nor Clean: their issues stay as they are.
	Units []string
	Label string // default DriftLabel
}

// IssueRef names one issue.
type IssueRef struct {
	Unit   string
	Number int
	URL    string
}

// DriftResult says what SyncDrift did.
type DriftResult struct {
	Opened, Updated, Unchanged, Closed []IssueRef
}

func (r DriftResult) String() string {
	return fmt.Sprintf("%d opened, %d updated, %d unchanged, %d closed", len(r.Opened), len(r.Updated), len(r.Unchanged), len(r.Closed))
}

// SyncDrift keeps one open issue per drifted unit: it opens the missing ones, updates
// the existing ones and closes those whose drift is gone (or whose unit was removed).
func (c *Client) SyncDrift(ctx context.Context, s DriftSync) (DriftResult, error) {
	var res DriftResult
	label := s.Label
	if label == "" {
		label = DriftLabel
	}
	if err := c.ensureLabel(ctx, label); err != nil {
		return res, err
	}
	open, dupes, err := c.openDriftIssues(ctx, label)
	if err != nil {
		return res, err
	}
	if err := c.openOrUpdate(ctx, s, label, open, &res); err != nil {
		return res, err
	}
	if err := c.closeGone(ctx, s, open, &res); err != nil {
		return res, err
	}
	for _, is := range dupes {
		u := DriftUnitOf(is.GetBody())
		if err := c.closeIssue(ctx, is, u, fmt.Sprintf("Duplicate of #%d. Closing.", open[u].GetNumber()), &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// openDriftIssues lists the open issues labelled label: the oldest per unit, and the
// younger duplicates.
func (c *Client) openDriftIssues(ctx context.Context, label string) (map[string]*gh.Issue, []*gh.Issue, error) {
	open := map[string]*gh.Issue{}
	var dupes []*gh.Issue
	opt := &gh.IssueListByRepoOptions{State: "open", Labels: []string{label}, Sort: "created", Direction: "asc",
		ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		is, resp, err := c.gh.Issues.ListByRepo(ctx, c.owner, c.repo, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("listing open %q issues: %w", label, err)
		}
		for _, is := range is {
			if is.IsPullRequest() {
				continue
			}
			u := DriftUnitOf(is.GetBody())
			switch {
			case u == "":
			case open[u] != nil:
				dupes = append(dupes, is)
			default:
				open[u] = is
			}
		}
		if resp.NextPage == 0 {
			return open, dupes, nil
		}
		opt.ListOptions.Page = resp.NextPage
	}
}

// openOrUpdate opens an issue for each drifted unit without one and updates the
// existing issues whose title or body changed.
func (c *Client) openOrUpdate(ctx context.Context, s DriftSync, label string, open map[string]*gh.Issue, res *DriftResult) error {
	drifted := append([]DriftedUnit(nil), s.Drifted...)
	sort.Slice(drifted, func(i, j int) bool { return drifted[i].Path < drifted[j].Path })
	for _, d := range drifted {
		title := "Drift: " + d.Path
		body := DriftBody(d, s.Run)
		if is := open[d.Path]; is != nil {
			ref := IssueRef{Unit: d.Path, Number: is.GetNumber(), URL: is.GetHTMLURL()}
			if is.GetBody() == body && is.GetTitle() == title {
				res.Unchanged = append(res.Unchanged, ref)
				continue
			}
			if _, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, is.GetNumber(), &gh.IssueRequest{Title: gh.Ptr(title), Body: gh.Ptr(body)}); err != nil {
				return fmt.Errorf("updating drift issue #%d (%s): %w", is.GetNumber(), d.Path, err)
			}
			res.Updated = append(res.Updated, ref)
			continue
		}
		is, _, err := c.gh.Issues.Create(ctx, c.owner, c.repo, &gh.IssueRequest{Title: gh.Ptr(title), Body: gh.Ptr(body), Labels: &[]string{label}})
		if err != nil {
			return fmt.Errorf("opening a drift issue for %s: %w", d.Path, err)
		}
		res.Opened = append(res.Opened, IssueRef{Unit: d.Path, Number: is.GetNumber(), URL: is.GetHTMLURL()})
	}
	return nil
}

// closeGone closes the open issues of units that planned clean or left the tree.
func (c *Client) closeGone(ctx context.Context, s DriftSync, open map[string]*gh.Issue, res *DriftResult) error {
	clean := map[string]bool{}
	for _, u := range s.Clean {
		clean[u] = true
	}
	var known map[string]bool
	if s.Units != nil {
		known = map[string]bool{}
		for _, u := range s.Units {
			known[u] = true
		}
	}
	run := "the latest drift check"
	if u := s.Run.RunURL(); u != "" {
		run = fmt.Sprintf("[drift check run %s](%s)", s.Run.RunID, u)
	}
	for _, u := range slices.Sorted(maps.Keys(open)) {
		var why string
		switch {
		case clean[u]:
			why = fmt.Sprintf("The drift is gone: %s planned no changes for `%s`. Closing.", run, u)
		case known != nil && !known[u]:
			why = fmt.Sprintf("`%s` is no longer a unit of the tree (%s). Closing.", u, run)
		default:
			continue
		}
		if err := c.closeIssue(ctx, open[u], u, why, res); err != nil {
			return err
		}
	}
	return nil
}

// closeIssue comments why on an issue and closes it as completed.
func (c *Client) closeIssue(ctx context.Context, is *gh.Issue, unit, why string, res *DriftResult) error {
	if _, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, is.GetNumber(), &gh.IssueComment{Body: gh.Ptr(why)}); err != nil {
		return fmt.Errorf("commenting on drift issue #%d (%s): %w", is.GetNumber(), unit, err)
	}
	if _, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, is.GetNumber(), &gh.IssueRequest{State: gh.Ptr("closed"), StateReason: gh.Ptr("completed")}); err != nil {
		return fmt.Errorf("closing drift issue #%d (%s): %w", is.GetNumber(), unit, err)
	}
	res.Closed = append(res.Closed, IssueRef{Unit: unit, Number: is.GetNumber(), URL: is.GetHTMLURL()})
	return nil
}

func (c *Client) ensureLabel(ctx context.Context, name string) error {
	_, _, err := c.gh.Issues.GetLabel(ctx, c.owner, c.repo, name)
	if err == nil {
		return nil
	}
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusNotFound {
		return fmt.Errorf("reading label %q: %w", name, err)
	}
	_, _, err = c.gh.Issues.CreateLabel(ctx, c.owner, c.repo, &gh.Label{Name: gh.Ptr(name), Color: gh.Ptr("d93f0b"),
		Description: gh.Ptr("Infrastructure differs from the code (opened by olechka's drift check)")})
	if err != nil {
		return fmt.Errorf("creating label %q: %w", name, err)
	}
	return nil
}

// maxIssueBody keeps issue bodies well under GitHub's 65,536-character limit.
const maxIssueBody = 60000

// DriftBody renders a drift issue's body: the hidden marker, what differs and the plan.
func DriftBody(d DriftedUnit, run notify.Run) string {
	var b strings.Builder
	b.WriteString(DriftMarker(d.Path) + "\n")
	fmt.Fprintf(&b, "## Drift in `%s`\n\n", d.Path)
	var where []string
	if d.Env != "" {
		where = append(where, "env `"+d.Env+"`")
	}
	if d.Region != "" {
		where = append(where, "region `"+d.Region+"`")
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, ", ") + ". ")
	}
	b.WriteString("A plan of the default branch is not empty: the real infrastructure differs from the code.\n\n")
	fmt.Fprintf(&b, "**Plan:** `%s`", d.Counts.String())
	if d.Drift > 0 {
		fmt.Fprintf(&b, " · **%d** resource(s) changed outside OpenTofu", d.Drift)
	}
	b.WriteString("\n\n")
	if u := run.RunURL(); u != "" {
		fmt.Fprintf(&b, "Last seen by [run %s](%s)", run.RunID, u)
		if c := run.CommitURL(); c != "" {
			fmt.Fprintf(&b, " at commit [%s](%s)", run.ShortSHA(), c)
		}
		b.WriteString(".\n\n")
	}
	if len(d.Changes) > 0 {
		changes := append([]artifact.ResourceChange(nil), d.Changes...)
		sort.SliceStable(changes, func(i, j int) bool { return changes[i].Destructive() && !changes[j].Destructive() })
		b.WriteString("| Resource | Action |\n|---|---|\n")
		for i, c := range changes {
			if i == 200 {
				fmt.Fprintf(&b, "| … %d more | |\n", len(changes)-200)
				break
			}
			a := c.Action
			if c.Stateful && c.Destructive() {
				a += " (stateful)"
			}
			fmt.Fprintf(&b, "| `%s` | %s |\n", strings.ReplaceAll(strings.ReplaceAll(c.Address, "`", "'"), "|", "\\|"), a)
		}
		b.WriteString("\n")
	}
	if t := strings.TrimSpace(d.PlanText); t != "" {
		room := maxIssueBody - b.Len() - 1000
		more := ""
		if len(t) > room {
			t = t[:strings.LastIndexByte(t[:room], '\n')+1]
			more = "\n_The plan is cut here; the full plan is in the run's artifacts._\n"
		}
		fence := "````"
		for strings.Contains(t, fence) {
			fence += "`"
		}
		fmt.Fprintf(&b, "<details><summary>Plan</summary>\n\n%s\n%s\n%s\n%s\n</details>\n\n", fence, strings.TrimRight(t, "\n"), fence, more)
	}
	b.WriteString("To resolve: apply the code again (re-run the pipeline on the default branch), or change the code to match what was changed by hand. olechka closes this issue when a drift check plans no changes.\n")
	return b.String()
}
