package github

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const testToken = "ghs_testtoken0123456789"

// fakeGitHub is a tiny, strict GitHub REST API for one repository (acme/infra): issues,
// issue comments and labels. It checks every request (method, path, token, JSON body)
// and fails the test on anything else. Lists page by 3 with Link headers.
type fakeGitHub struct {
	t        *testing.T
	mu       sync.Mutex
	nextID   int64
	comments map[int][]*fakeComment // issue number -> comments, oldest first
	issues   []*fakeIssue
	labels   map[string]bool
	log      []string // "METHOD /path"
}

type fakeComment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"html_url"`
}

type fakeIssue struct {
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	State       string   `json:"state"`
	StateReason string   `json:"state_reason,omitempty"`
	Labels      []string `json:"-"`
	URL         string   `json:"html_url"`
}

func newFake(t *testing.T) (*fakeGitHub, *Client) {
	f := &fakeGitHub{t: t, nextID: 1000, comments: map[int][]*fakeComment{}, labels: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(Options{Token: testToken, APIURL: srv.URL + "/api/v3", Repository: "acme/infra"})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

var (
	reIssueComments = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues/(\d+)/comments$`)
	reComment       = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues/comments/(\d+)$`)
	reIssues        = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues$`)
	reIssue         = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues/(\d+)$`)
	reLabel         = regexp.MustCompile(`^/api/v3/repos/acme/infra/labels/([^/]+)$`)
	reLabels        = regexp.MustCompile(`^/api/v3/repos/acme/infra/labels$`)
)

func (f *fakeGitHub) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string(nil), f.log...)
	f.log = nil
	return out
}

func (f *fakeGitHub) body(r *http.Request, v any) bool {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("%s %s: reading body: %v", r.Method, r.URL.Path, err)
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		f.t.Errorf("%s %s: unexpected body %s: %v", r.Method, r.URL.Path, raw, err)
		return false
	}
	return true
}

func page[T any](w http.ResponseWriter, r *http.Request, all []T) {
	const size = 3
	if pp := r.URL.Query().Get("per_page"); pp != "100" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if p < 1 {
		p = 1
	}
	lo := min((p-1)*size, len(all))
	hi := min(lo+size, len(all))
	if hi < len(all) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p+1))
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?%s>; rel="next"`, r.Host, r.URL.Path, q.Encode()))
	}
	_ = json.NewEncoder(w).Encode(all[lo:hi])
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+strings.TrimPrefix(r.URL.Path, "/api/v3/repos/acme/infra"))
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		f.t.Errorf("%s %s: Authorization = %q", r.Method, r.URL.Path, got)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	p := r.URL.Path
	switch {
	case reIssueComments.MatchString(p) && r.Method == http.MethodGet:
		n, _ := strconv.Atoi(reIssueComments.FindStringSubmatch(p)[1])
		page(w, r, f.comments[n])
	case reIssueComments.MatchString(p) && r.Method == http.MethodPost:
		n, _ := strconv.Atoi(reIssueComments.FindStringSubmatch(p)[1])
		var in struct {
			Body string `json:"body"`
		}
		if !f.body(r, &in) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		if len(in.Body) > 65536 {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, `{"message":"Body is too long (maximum is 65536 characters)"}`)
			return
		}
		f.nextID++
		c := &fakeComment{ID: f.nextID, Body: in.Body, URL: fmt.Sprintf("https://github.com/acme/infra/pull/%d#issuecomment-%d", n, f.nextID)}
		f.comments[n] = append(f.comments[n], c)
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(c)
	case reComment.MatchString(p) && (r.Method == http.MethodPatch || r.Method == http.MethodDelete):
		id, _ := strconv.ParseInt(reComment.FindStringSubmatch(p)[1], 10, 64)
		for n, cs := range f.comments {
			for i, c := range cs {
				if c.ID != id {
					continue
				}
				if r.Method == http.MethodDelete {
					f.comments[n] = append(cs[:i:i], cs[i+1:]...)
					w.WriteHeader(http.StatusNoContent)
					return
				}
				var in struct {
					Body string `json:"body"`
				}
				if !f.body(r, &in) {
					w.WriteHeader(http.StatusUnprocessableEntity)
					return
				}
				c.Body = in.Body
				_ = json.NewEncoder(w).Encode(c)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"Not Found"}`)
	case reLabel.MatchString(p) && r.Method == http.MethodGet:
		name := reLabel.FindStringSubmatch(p)[1]
		if !f.labels[name] {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"Not Found"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"name": name})
	case reLabels.MatchString(p) && r.Method == http.MethodPost:
		var in struct{ Name, Color, Description string }
		if !f.body(r, &in) || in.Name == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		f.labels[in.Name] = true
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"name": in.Name})
	case reIssues.MatchString(p) && r.Method == http.MethodGet:
		q := r.URL.Query()
		if q.Get("state") != "open" || q.Get("labels") == "" {
			f.t.Errorf("issue list without state=open and labels: %s", r.URL.RawQuery)
		}
		var out []map[string]any
		for _, is := range f.issues {
			if is.State != "open" || !contains(is.Labels, q.Get("labels")) {
				continue
			}
			out = append(out, map[string]any{"number": is.Number, "title": is.Title, "body": is.Body, "state": is.State, "html_url": is.URL})
		}
		// A pull request carrying the label is listed too, as GitHub does.
		out = append(out, map[string]any{"number": 999, "title": "a PR", "body": DriftMarker("x/pr"), "state": "open", "pull_request": map[string]any{"url": "u"}})
		page(w, r, out)
	case reIssues.MatchString(p) && r.Method == http.MethodPost:
		var in struct {
			Title  string   `json:"title"`
			Body   string   `json:"body"`
			Labels []string `json:"labels"`
		}
		if !f.body(r, &in) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		is := &fakeIssue{Number: len(f.issues) + 1, Title: in.Title, Body: in.Body, State: "open", Labels: in.Labels}
		is.URL = fmt.Sprintf("https://github.com/acme/infra/issues/%d", is.Number)
		f.issues = append(f.issues, is)
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(is)
	case reIssue.MatchString(p) && r.Method == http.MethodPatch:
		n, _ := strconv.Atoi(reIssue.FindStringSubmatch(p)[1])
		if n < 1 || n > len(f.issues) {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		is := f.issues[n-1]
		var in struct {
			Title       *string `json:"title"`
			Body        *string `json:"body"`
			State       *string `json:"state"`
			StateReason *string `json:"state_reason"`
		}
		if !f.body(r, &in) {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		if in.Title != nil {
			is.Title = *in.Title
		}
		if in.Body != nil {
			is.Body = *in.Body
		}
		if in.State != nil {
			is.State = *in.State
		}
		if in.StateReason != nil {
			is.StateReason = *in.StateReason
		}
		_ = json.NewEncoder(w).Encode(is)
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.String())
		w.WriteHeader(http.StatusNotFound)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (f *fakeGitHub) bodies(pr int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.comments[pr] {
		out = append(out, c.Body)
	}
	return out
}

func (f *fakeGitHub) openIssues() map[string]*fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]*fakeIssue{}
	for _, is := range f.issues {
		if is.State == "open" {
			out[DriftUnitOf(is.Body)] = is
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
