// Package ghfake is a small, strict fake of the GitHub REST API for tests: issues,
// issue comments and labels of one repository (acme/infra). It checks every request
// (method, path, token, JSON body), fails the test on anything else, refuses comment
// bodies over 65,536 characters and pages lists by 3 with Link headers.
package ghfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Token is the only token the fake accepts.
const Token = "ghs_testtoken0123456789"

// Repository is the only repository the fake serves.
const Repository = "acme/infra"

// Server is the fake. Its fields may be read and set between requests.
type Server struct {
	URL      string // API base URL (GITHUB_API_URL)
	t        testing.TB
	mu       sync.Mutex
	nextID   int64
	Comments map[int][]*Comment // issue number -> comments, oldest first
	Issues   []*Issue
	Labels   map[string]bool
	log      []string // "METHOD /path"
}

// Comment is a stored comment.
type Comment struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"html_url"`
}

// Issue is a stored issue.
type Issue struct {
	Number      int      `json:"number"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	State       string   `json:"state"`
	StateReason string   `json:"state_reason,omitempty"`
	Labels      []string `json:"-"`
	URL         string   `json:"html_url"`
}

// New starts a fake, closed when the test ends.
func New(t testing.TB) *Server {
	f := &Server{t: t, nextID: 1000, Comments: map[int][]*Comment{}, Labels: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL + "/api/v3"
	return f
}

var (
	reIssueComments = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues/(\d+)/comments$`)
	reComment       = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues/comments/(\d+)$`)
	reIssues        = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues$`)
	reIssue         = regexp.MustCompile(`^/api/v3/repos/acme/infra/issues/(\d+)$`)
	reLabel         = regexp.MustCompile(`^/api/v3/repos/acme/infra/labels/([^/]+)$`)
	reLabels        = regexp.MustCompile(`^/api/v3/repos/acme/infra/labels$`)
)

// Requests returns the requests since the last call, as "METHOD /path" relative to the repository.
func (f *Server) Requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string(nil), f.log...)
	f.log = nil
	return out
}

func (f *Server) body(r *http.Request, v any) bool {
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

// route is one API endpoint the fake serves; m holds the path's submatches.
type route struct {
	method string
	re     *regexp.Regexp
	serve  func(f *Server, w http.ResponseWriter, r *http.Request, m []string)
}

// routes are the endpoints the fake serves; any other request fails the test.
var routes = []route{
	{http.MethodGet, reIssueComments, (*Server).listComments},
	{http.MethodPost, reIssueComments, (*Server).createComment},
	{http.MethodPatch, reComment, (*Server).editComment},
	{http.MethodDelete, reComment, (*Server).editComment},
	{http.MethodGet, reLabel, (*Server).getLabel},
	{http.MethodPost, reLabels, (*Server).createLabel},
	{http.MethodGet, reIssues, (*Server).listIssues},
	{http.MethodPost, reIssues, (*Server).createIssue},
	{http.MethodPatch, reIssue, (*Server).editIssue},
}

func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+strings.TrimPrefix(r.URL.Path, "/api/v3/repos/acme/infra"))
	if got := r.Header.Get("Authorization"); got != "Bearer "+Token {
		f.t.Errorf("%s %s: Authorization = %q", r.Method, r.URL.Path, got)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	for _, rt := range routes {
		if m := rt.re.FindStringSubmatch(r.URL.Path); m != nil && r.Method == rt.method {
			rt.serve(f, w, r, m)
			return
		}
	}
	f.t.Errorf("unexpected request %s %s", r.Method, r.URL.String())
	w.WriteHeader(http.StatusNotFound)
}

func (f *Server) listComments(w http.ResponseWriter, r *http.Request, m []string) {
	n, _ := strconv.Atoi(m[1])
	page(w, r, f.Comments[n])
}

func (f *Server) createComment(w http.ResponseWriter, r *http.Request, m []string) {
	n, _ := strconv.Atoi(m[1])
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
	c := &Comment{ID: f.nextID, Body: in.Body, URL: fmt.Sprintf("https://github.com/acme/infra/pull/%d#issuecomment-%d", n, f.nextID)}
	f.Comments[n] = append(f.Comments[n], c)
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(c)
}

// editComment updates (PATCH) or deletes (DELETE) a comment.
func (f *Server) editComment(w http.ResponseWriter, r *http.Request, m []string) {
	id, _ := strconv.ParseInt(m[1], 10, 64)
	for n, cs := range f.Comments {
		for i, c := range cs {
			if c.ID != id {
				continue
			}
			if r.Method == http.MethodDelete {
				f.Comments[n] = append(cs[:i:i], cs[i+1:]...)
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
}

func (f *Server) getLabel(w http.ResponseWriter, r *http.Request, m []string) {
	name := m[1]
	if !f.Labels[name] {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"Not Found"}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"name": name})
}

func (f *Server) createLabel(w http.ResponseWriter, r *http.Request, _ []string) {
	var in struct{ Name, Color, Description string }
	if !f.body(r, &in) || in.Name == "" {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return
	}
	f.Labels[in.Name] = true
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]string{"name": in.Name})
}

func (f *Server) listIssues(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	if q.Get("state") != "open" || q.Get("labels") == "" {
		f.t.Errorf("issue list without state=open and labels: %s", r.URL.RawQuery)
	}
	var out []map[string]any
	for _, is := range f.Issues {
		if is.State != "open" || !slices.Contains(is.Labels, q.Get("labels")) {
			continue
		}
		out = append(out, map[string]any{"number": is.Number, "title": is.Title, "body": is.Body, "state": is.State, "html_url": is.URL})
	}
	// A pull request carrying the label is listed too, as GitHub does.
	out = append(out, map[string]any{"number": 999, "title": "a PR", "body": driftMarker("x/pr"), "state": "open", "pull_request": map[string]any{"url": "u"}})
	page(w, r, out)
}

func (f *Server) createIssue(w http.ResponseWriter, r *http.Request, _ []string) {
	var in struct {
		Title  string   `json:"title"`
		Body   string   `json:"body"`
		Labels []string `json:"labels"`
	}
	if !f.body(r, &in) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return
	}
	is := &Issue{Number: len(f.Issues) + 1, Title: in.Title, Body: in.Body, State: "open", Labels: in.Labels}
	is.URL = fmt.Sprintf("https://github.com/acme/infra/issues/%d", is.Number)
	f.Issues = append(f.Issues, is)
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(is)
}

func (f *Server) editIssue(w http.ResponseWriter, r *http.Request, m []string) {
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > len(f.Issues) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	is := f.Issues[n-1]
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
	for _, set := range []struct{ dst, src *string }{{&is.Title, in.Title}, {&is.Body, in.Body}, {&is.State, in.State}, {&is.StateReason, in.StateReason}} {
		if set.src != nil {
			*set.dst = *set.src
		}
	}
	_ = json.NewEncoder(w).Encode(is)
}

// Bodies returns the bodies of an issue's comments, oldest first.
func (f *Server) Bodies(pr int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.Comments[pr] {
		out = append(out, c.Body)
	}
	return out
}

// OpenIssues maps unit to open drift issue.
func (f *Server) OpenIssues() map[string]*Issue {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]*Issue{}
	for _, is := range f.Issues {
		if is.State == "open" {
			out[driftUnitOf(is.Body)] = is
		}
	}
	return out
}

var driftRe = regexp.MustCompile(`<!-- olechka:drift unit=(\S+) -->`)

func driftUnitOf(body string) string {
	if m := driftRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func driftMarker(unit string) string { return "<!-- olechka:drift unit=" + unit + " -->" }
