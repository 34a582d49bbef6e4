// Package github talks to the GitHub REST API (go-github) for the pipeline: it keeps
// olechka's sticky pull request comment up to date (found through its hidden marker,
// continued in further comments when it is long, stale parts deleted) and keeps one
// issue per drifted unit open, closing it when the drift is gone.
//
// The token comes from GITHUB_TOKEN and is never printed; GITHUB_API_URL points the
// client at GitHub Enterprise or at a test server.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v84/github"

	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
)

// Client is a repository-scoped GitHub client.
type Client struct {
	gh    *gh.Client
	owner string
	repo  string
}

// Options configure New.
type Options struct {
	Token      string // GITHUB_TOKEN
	APIURL     string // GITHUB_API_URL; default https://api.github.com
	Repository string // owner/name
	HTTP       *http.Client
}

// New returns a client for one repository.
func New(o Options) (*Client, error) {
	if o.Token == "" {
		return nil, errors.New("GITHUB_TOKEN is not set: the job needs it (permissions: pull-requests: write, issues: write)")
	}
	owner, repo, ok := strings.Cut(o.Repository, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return nil, fmt.Errorf("repository %q is not owner/name (GITHUB_REPOSITORY)", o.Repository)
	}
	hc := o.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := gh.NewClient(hc).WithAuthToken(o.Token)
	if o.APIURL != "" {
		u, err := url.Parse(o.APIURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("GITHUB_API_URL %q is not an http(s) URL", o.APIURL)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		c.BaseURL = u
	}
	return &Client{gh: c, owner: owner, repo: repo}, nil
}

// FromEnv reads GITHUB_TOKEN, GITHUB_API_URL and GITHUB_REPOSITORY.
func FromEnv(getenv func(string) string) (*Client, error) {
	return New(Options{Token: getenv("GITHUB_TOKEN"), APIURL: getenv("GITHUB_API_URL"), Repository: getenv("GITHUB_REPOSITORY")})
}

// Repository returns owner/name.
func (c *Client) Repository() string { return c.owner + "/" + c.repo }

// CommentResult says what UpsertComment did.
type CommentResult struct {
	Created, Updated, Unchanged, Deleted int
	URL                                  string // part 1
}

func (r CommentResult) String() string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged, %d stale deleted", r.Created, r.Updated, r.Unchanged, r.Deleted)
}

// UpsertComment makes the pull request's olechka comments equal parts (as rendered by
// comment.Render, part 1 first): it edits the comments that carry each part's marker,
// creates the missing ones, and deletes parts beyond len(parts) and duplicates.
func (c *Client) UpsertComment(ctx context.Context, pr int, parts []string) (CommentResult, error) {
	var res CommentResult
	if pr <= 0 {
		return res, errors.New("no pull request number (GITHUB_REF is not refs/pull/N/merge; set OLECHKA_PR_NUMBER)")
	}
	if len(parts) == 0 {
		return res, errors.New("nothing to post")
	}
	for i, p := range parts {
		if comment.PartOf(p) != i+1 {
			return res, fmt.Errorf("part %d does not start with its marker %s", i+1, comment.PartMarker(i+1))
		}
	}
	existing := map[int]*gh.IssueComment{}
	var stale []*gh.IssueComment
	opt := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, pr, opt)
		if err != nil {
			return res, fmt.Errorf("listing comments of #%d: %w", pr, err)
		}
		for _, cm := range cs {
			n := comment.PartOf(cm.GetBody())
			switch {
			case n == 0:
			case n > len(parts) || existing[n] != nil:
				stale = append(stale, cm) // beyond the new parts, or a duplicate (oldest kept)
			default:
				existing[n] = cm
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	for i, body := range parts {
		n := i + 1
		if cm := existing[n]; cm != nil {
			if cm.GetBody() == body {
				res.Unchanged++
			} else {
				if _, _, err := c.gh.Issues.EditComment(ctx, c.owner, c.repo, cm.GetID(), &gh.IssueComment{Body: gh.Ptr(body)}); err != nil {
					return res, fmt.Errorf("updating part %d of the comment on #%d: %w", n, pr, err)
				}
				res.Updated++
			}
			if n == 1 {
				res.URL = cm.GetHTMLURL()
			}
			continue
		}
		cm, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, pr, &gh.IssueComment{Body: gh.Ptr(body)})
		if err != nil {
			return res, fmt.Errorf("creating part %d of the comment on #%d: %w", n, pr, err)
		}
		res.Created++
		if n == 1 {
			res.URL = cm.GetHTMLURL()
		}
	}
	for _, cm := range stale {
		if _, err := c.gh.Issues.DeleteComment(ctx, c.owner, c.repo, cm.GetID()); err != nil {
			return res, fmt.Errorf("deleting stale comment %d on #%d: %w", cm.GetID(), pr, err)
		}
		res.Deleted++
	}
	return res, nil
}
