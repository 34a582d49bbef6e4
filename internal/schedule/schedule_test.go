package schedule

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder runs jobs that log their start and end and fail when told to.
type recorder struct {
	mu     sync.Mutex
	events []string
	cur    atomic.Int32
	max    atomic.Int32
}

func (r *recorder) job(id string, deps []string, fail bool, d time.Duration) Job {
	return Job{ID: id, Deps: deps, Run: func(ctx context.Context) error {
		n := r.cur.Add(1)
		defer r.cur.Add(-1)
		for {
			m := r.max.Load()
			if n <= m || r.max.CompareAndSwap(m, n) {
				break
			}
		}
		r.mu.Lock()
		r.events = append(r.events, "start "+id)
		r.mu.Unlock()
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
		r.mu.Lock()
		r.events = append(r.events, "end "+id)
		r.mu.Unlock()
		if fail {
			return errors.New(id + " broke")
		}
		return nil
	}}
}

func (r *recorder) index(ev string) int {
	for i, e := range r.events {
		if e == ev {
			return i
		}
	}
	return -1
}

func TestOrderAndParallelism(t *testing.T) {
	r := &recorder{}
	jobs := []Job{
		r.job("vpc", nil, false, 20*time.Millisecond),
		r.job("db", []string{"vpc"}, false, 20*time.Millisecond),
		r.job("app", []string{"vpc", "db"}, false, 20*time.Millisecond),
		r.job("a", nil, false, 20*time.Millisecond),
		r.job("b", nil, false, 20*time.Millisecond),
		r.job("c", nil, false, 20*time.Millisecond),
	}
	res, err := Run(context.Background(), jobs, Options{Parallelism: 2})
	if err != nil {
		t.Fatal(err)
	}
	for id, x := range res {
		if x.Status != Succeeded {
			t.Errorf("%s: %s %v", id, x.Status, x.Err)
		}
	}
	if r.index("end vpc") > r.index("start db") || r.index("end db") > r.index("start app") {
		t.Errorf("dependency order broken: %v", r.events)
	}
	if m := r.max.Load(); m > 2 {
		t.Errorf("%d jobs ran at once with parallelism 2", m)
	}
	// The critical path (vpc, length 2) starts before the independent jobs.
	if r.events[0] != "start vpc" && r.events[1] != "start vpc" {
		t.Errorf("vpc did not start first: %v", r.events)
	}
}

func TestFailureSkipsDependentsOnly(t *testing.T) {
	r := &recorder{}
	jobs := []Job{
		r.job("vpc", nil, true, time.Millisecond),
		r.job("db", []string{"vpc"}, false, time.Millisecond),
		r.job("app", []string{"db"}, false, time.Millisecond),
		r.job("other", nil, false, 10*time.Millisecond),
		r.job("after-other", []string{"other"}, false, time.Millisecond),
	}
	var done []string
	var mu sync.Mutex
	res, err := Run(context.Background(), jobs, Options{Parallelism: 4, OnDone: func(x Result) {
		mu.Lock()
		done = append(done, x.ID)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res["vpc"].Status != Failed || res["db"].Status != Skipped || res["app"].Status != Skipped {
		t.Errorf("vpc/db/app = %s/%s/%s", res["vpc"].Status, res["db"].Status, res["app"].Status)
	}
	if res["app"].Cause != "vpc" || !strings.Contains(res["app"].Err.Error(), "db was skipped (vpc failed)") {
		t.Errorf("app skip: cause %q, %v", res["app"].Cause, res["app"].Err)
	}
	if res["other"].Status != Succeeded || res["after-other"].Status != Succeeded {
		t.Errorf("independent jobs did not finish: %s %s", res["other"].Status, res["after-other"].Status)
	}
	if r.index("start db") >= 0 || r.index("start app") >= 0 {
		t.Errorf("a dependent of a failed job ran: %v", r.events)
	}
	if len(done) != 5 {
		t.Errorf("OnDone called for %v", done)
	}
}

func TestFailFast(t *testing.T) {
	r := &recorder{}
	jobs := []Job{
		r.job("bad", nil, true, time.Millisecond),
		r.job("slow", nil, false, 5*time.Second),
		r.job("later", []string{"slow"}, false, time.Millisecond),
	}
	start := time.Now()
	res, err := Run(context.Background(), jobs, Options{Parallelism: 2, FailFast: true})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 3*time.Second {
		t.Error("fail-fast did not interrupt the running job")
	}
	if res["slow"].Status != Failed || !errors.Is(res["slow"].Err, context.Canceled) {
		t.Errorf("slow = %s %v", res["slow"].Status, res["slow"].Err)
	}
	if res["later"].Status != Skipped {
		t.Errorf("later = %s", res["later"].Status)
	}
}

func TestInvalidGraphs(t *testing.T) {
	noop := func(context.Context) error { return nil }
	if _, err := Run(context.Background(), []Job{{ID: "a", Deps: []string{"b"}, Run: noop}, {ID: "b", Deps: []string{"a"}, Run: noop}}, Options{}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v", err)
	}
	if _, err := Run(context.Background(), []Job{{ID: "a", Deps: []string{"x"}, Run: noop}}, Options{}); err == nil || !strings.Contains(err.Error(), "not jobs") {
		t.Errorf("unknown dependency: %v", err)
	}
	if _, err := Run(context.Background(), []Job{{ID: "a", Run: noop}, {ID: "a", Run: noop}}, Options{}); err == nil {
		t.Error("duplicate accepted")
	}
}

func TestPanicIsAFailure(t *testing.T) {
	res, err := Run(context.Background(), []Job{{ID: "p", Run: func(context.Context) error { panic("boom") }}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res["p"].Status != Failed || !strings.Contains(res["p"].Err.Error(), "boom") {
		t.Errorf("panic: %+v", res["p"])
	}
}

// BenchmarkSchedule measures the scheduler's own cost per job on a 1,000-job DAG.
func BenchmarkSchedule(b *testing.B) {
	noop := func(context.Context) error { return nil }
	var jobs []Job
	for i := 0; i < 1000; i++ {
		j := Job{ID: "u" + strconv.Itoa(i), Run: noop}
		if i >= 4 {
			j.Deps = []string{"u" + strconv.Itoa(i-4)}
		}
		jobs = append(jobs, j)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), jobs, Options{Parallelism: 8}); err != nil {
			b.Fatal(err)
		}
	}
}
