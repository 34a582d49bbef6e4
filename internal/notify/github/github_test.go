package github

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/notify/comment"
	"github.com/terragrunt-olechka/olechka/internal/notify/github/ghfake"
)

func newFake(t *testing.T) (*ghfake.Server, *Client) {
	f := ghfake.New(t)
	c, err := New(Options{Token: ghfake.Token, APIURL: f.URL, Repository: ghfake.Repository})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func parts(texts ...string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = comment.PartMarker(i+1) + "\n" + t
	}
	return out
}

func TestUpsertCommentLifecycle(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	// Someone else's comments, including one that quotes the marker, are never touched.
	f.Comments[7] = []*ghfake.Comment{
		{ID: 1, Body: "LGTM"},
		{ID: 2, Body: "> " + comment.Marker + " quoted"},
		{ID: 3, Body: "nit"}, {ID: 4, Body: "another"},
	}

	// 1. First run: three parts are created.
	res, err := c.UpsertComment(ctx, 7, parts("one", "two", "three"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 || res.Updated+res.Deleted+res.Unchanged != 0 || !strings.Contains(res.URL, "/pull/7#issuecomment-") {
		t.Errorf("first run: %+v", res)
	}
	wantReq := []string{"GET /issues/7/comments", "GET /issues/7/comments", "POST /issues/7/comments", "POST /issues/7/comments", "POST /issues/7/comments"}
	if got := f.Requests(); !reflect.DeepEqual(got, wantReq) {
		t.Errorf("requests:\n%q\nwant\n%q", got, wantReq)
	}

	// 2. The same comment again: nothing is written.
	res, err = c.UpsertComment(ctx, 7, parts("one", "two", "three"))
	if err != nil || res.Unchanged != 3 || res.Created+res.Updated+res.Deleted != 0 {
		t.Errorf("second run: %+v %v", res, err)
	}
	for _, r := range f.Requests() {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("an unchanged comment caused %s", r)
		}
	}

	// 3. A shorter comment: part 1 edited in place, parts 2 and 3 deleted.
	res, err = c.UpsertComment(ctx, 7, parts("ONE"))
	if err != nil || res.Updated != 1 || res.Deleted != 2 || res.Created != 0 {
		t.Errorf("third run: %+v %v", res, err)
	}
	got := f.Bodies(7)
	want := []string{"LGTM", "> " + comment.Marker + " quoted", "nit", "another", comment.Marker + "\nONE"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("comments after the third run:\n%q\nwant\n%q", got, want)
	}
	var writes []string
	for _, r := range f.Requests() {
		if !strings.HasPrefix(r, "GET ") {
			writes = append(writes, r[:strings.LastIndexByte(r, '/')])
		}
	}
	if !reflect.DeepEqual(writes, []string{"PATCH /issues/comments", "DELETE /issues/comments", "DELETE /issues/comments"}) {
		t.Errorf("writes = %q", writes)
	}
}

func TestUpsertCommentRemovesDuplicates(t *testing.T) {
	f, c := newFake(t)
	f.Comments[3] = []*ghfake.Comment{{ID: 1, Body: comment.Marker + "\nold"}, {ID: 2, Body: comment.Marker + "\nrace"}}
	res, err := c.UpsertComment(context.Background(), 3, parts("new"))
	if err != nil || res.Updated != 1 || res.Deleted != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if got := f.Bodies(3); !reflect.DeepEqual(got, []string{comment.Marker + "\nnew"}) {
		t.Errorf("comments = %q: the oldest is kept and updated, the duplicate deleted", got)
	}
}

func TestUpsertCommentRealRender(t *testing.T) {
	f, c := newFake(t)
	in := comment.Input{Run: notify.Run{RunID: "1"}}
	for i := range 400 {
		in.Units = append(in.Units, comment.Unit{Affected: detect.Affected{Path: fmt.Sprintf("dev/eu-central-1/u%03d", i), Action: "plan"}, Plan: &comment.Plan{Counts: artifact.Counts{Add: 1}, Text: strings.Repeat("  + resource \"terraform_data\" \"x\" {}\n", 200)}})
	}
	ps := comment.Render(in, comment.Options{})
	if len(ps) < 2 {
		t.Fatalf("want a multi-part comment, got %d part(s)", len(ps))
	}
	if _, err := c.UpsertComment(context.Background(), 9, ps); err != nil {
		t.Fatal(err) // the fake refuses bodies over 65,536 characters
	}
	if got := f.Bodies(9); !reflect.DeepEqual(got, ps) {
		t.Errorf("posted %d parts, want %d", len(got), len(ps))
	}
}

func TestUpsertCommentErrors(t *testing.T) {
	_, c := newFake(t)
	if _, err := c.UpsertComment(context.Background(), 0, parts("x")); err == nil || !strings.Contains(err.Error(), "OLECHKA_PR_NUMBER") {
		t.Errorf("no PR: %v", err)
	}
	if _, err := c.UpsertComment(context.Background(), 1, []string{"no marker"}); err == nil {
		t.Error("a part without its marker was accepted")
	}
	if _, err := New(Options{Repository: "acme/infra"}); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Errorf("no token: %v", err)
	}
	if _, err := New(Options{Token: "x", Repository: "acme"}); err == nil {
		t.Error("a repository without owner was accepted")
	}
	// A server error surfaces with context and without the token.
	srvc, err := New(Options{Token: ghfake.Token, APIURL: "http://127.0.0.1:1/", Repository: "acme/infra"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = srvc.UpsertComment(context.Background(), 4, parts("x"))
	if err == nil || !strings.Contains(err.Error(), "listing comments of #4") || strings.Contains(err.Error(), ghfake.Token) {
		t.Errorf("unreachable API: %v", err)
	}
}

func TestSyncDrift(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	run := notify.Run{ServerURL: "https://github.com", Repository: "acme/infra", RunID: "100", SHA: "abcdef1234567"}
	all := []string{"dev/eu-central-1/vpc", "dev/eu-central-1/rds", "dev/eu-central-1/ecs", "dev/eu-central-1/s3"}
	vpc := DriftedUnit{Affected: detect.Affected{Path: "dev/eu-central-1/vpc", Env: "dev"}, Counts: artifact.Counts{Change: 1}, Drift: 1,
		Changes: []artifact.ResourceChange{{Address: "aws_vpc.main", Action: "update"}}, PlanText: "  ~ resource \"aws_vpc\" \"main\" {}"}
	rds := DriftedUnit{Affected: detect.Affected{Path: "dev/eu-central-1/rds"}, Counts: artifact.Counts{Add: 1, Destroy: 1, Replace: 1},
		Changes: []artifact.ResourceChange{{Address: "aws_rds_cluster.x", Action: "replace", Stateful: true}}}
	ecs := DriftedUnit{Affected: detect.Affected{Path: "dev/eu-central-1/ecs"}, Counts: artifact.Counts{Add: 2}}
	s3 := DriftedUnit{Affected: detect.Affected{Path: "dev/eu-central-1/s3"}, Counts: artifact.Counts{Add: 2}}

	// Run 1: four drifted units, the label is created, four issues opened.
	res, err := c.SyncDrift(ctx, DriftSync{Run: run, Drifted: []DriftedUnit{vpc, rds, ecs, s3}, Units: all})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Opened) != 4 || len(res.Closed)+len(res.Updated) != 0 {
		t.Fatalf("run 1: %s", res)
	}
	if !f.Labels[DriftLabel] {
		t.Error("the drift label was not created")
	}
	open := f.OpenIssues()
	if got := slices.Sorted(maps.Keys(open)); !reflect.DeepEqual(got, []string{"dev/eu-central-1/ecs", "dev/eu-central-1/rds", "dev/eu-central-1/s3", "dev/eu-central-1/vpc"}) {
		t.Fatalf("open issues for %q", got)
	}
	is := open["dev/eu-central-1/vpc"]
	if is.Title != "Drift: dev/eu-central-1/vpc" || !reflect.DeepEqual(is.Labels, []string{DriftLabel}) {
		t.Errorf("issue = %+v", is)
	}
	for _, want := range []string{"`+0 ~1 -0`", "1** resource(s) changed outside", "`aws_vpc.main`", "runs/100", "commit [abcdef1]"} {
		if !strings.Contains(is.Body, want) {
			t.Errorf("issue body lacks %q:\n%s", want, is.Body)
		}
	}
	if !strings.Contains(open["dev/eu-central-1/rds"].Body, "replace (stateful)") {
		t.Error("a stateful replacement is not flagged")
	}
	f.Requests()

	// Run 2, same result: nothing changes (same run, same bodies).
	res, err = c.SyncDrift(ctx, DriftSync{Run: run, Drifted: []DriftedUnit{vpc, rds, ecs, s3}, Units: all})
	if err != nil || len(res.Unchanged) != 4 || len(res.Opened)+len(res.Updated)+len(res.Closed) != 0 {
		t.Fatalf("run 2: %s %v", res, err)
	}
	for _, r := range f.Requests() {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("an unchanged drift caused %s", r)
		}
	}

	// Run 3: vpc still drifted (updated: new run), rds fixed (closed), ecs failed to plan
	// (left alone), s3 removed from the tree (closed).
	run.RunID = "101"
	res, err = c.SyncDrift(ctx, DriftSync{Run: run, Drifted: []DriftedUnit{vpc}, Clean: []string{"dev/eu-central-1/rds"},
		Units: []string{"dev/eu-central-1/vpc", "dev/eu-central-1/rds", "dev/eu-central-1/ecs"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Updated) != 1 || len(res.Closed) != 2 || len(res.Opened) != 0 {
		t.Fatalf("run 3: %s", res)
	}
	open = f.OpenIssues()
	if got := slices.Sorted(maps.Keys(open)); !reflect.DeepEqual(got, []string{"dev/eu-central-1/ecs", "dev/eu-central-1/vpc"}) {
		t.Errorf("open issues for %q", got)
	}
	if !strings.Contains(open["dev/eu-central-1/vpc"].Body, "runs/101") {
		t.Error("the still-drifted issue was not updated")
	}
	for _, is := range f.Issues {
		if is.State == "closed" && is.StateReason != "completed" {
			t.Errorf("issue #%d closed with reason %q", is.Number, is.StateReason)
		}
	}
	closing := 0
	for _, cs := range f.Comments {
		for _, cm := range cs {
			if strings.Contains(cm.Body, "drift is gone") || strings.Contains(cm.Body, "no longer a unit") {
				closing++
			}
		}
	}
	if closing != 2 {
		t.Errorf("%d closing comments, want 2", closing)
	}
}
