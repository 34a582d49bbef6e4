// Package schedule runs jobs in dependency order with bounded parallelism: a job starts
// as soon as everything it depends on has succeeded (not wave by wave, so a slow unit
// delays only its own dependents); a failed job skips its dependents, transitively,
// while the other jobs go on, unless FailFast stops everything.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/graph"
)

// Job is one unit of work.
type Job struct {
	ID   string
	Deps []string // IDs of jobs that must succeed first (all must be jobs)
	Run  func(ctx context.Context) error
}

// Status is how a job ended.
type Status string

// Job statuses.
const (
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	Skipped   Status = "skipped" // a dependency failed or was skipped, or FailFast stopped the run
)

// Result is a finished job.
type Result struct {
	ID     string
	Status Status
	Err    error
	// Cause names, for a skipped job, the failed job that caused the skip (through any
	// chain of skipped dependencies); empty when FailFast stopped it.
	Cause      string
	Start, End time.Time
}

// Options configures Run.
type Options struct {
	Parallelism int  // jobs at once; <= 0 means 1
	FailFast    bool // on the first failure, interrupt running jobs and skip the rest
	// OnStart and OnDone are called (from the job's goroutine) as jobs start and end,
	// and OnDone also for skipped jobs.
	OnStart func(id string)
	OnDone  func(r Result)
}

// Run runs every job and returns each one's result. The error is non-nil only when the
// jobs do not form a DAG (unknown dependency, cycle) or ctx ended; then nothing runs.
func Run(ctx context.Context, jobs []Job, opts Options) (map[string]*Result, error) {
	s, err := newScheduler(jobs, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One goroutine (this one) owns the scheduler's state; jobs only send their result.
	done := make(chan Result)
	for {
		if s.stopped {
			s.skip(s.ready)
			s.ready = nil
		}
		s.start(runCtx, done)
		if s.running == 0 {
			// Whatever was never released (only possible after a stop) is skipped.
			s.skip(s.g.Nodes())
			break
		}
		r := <-done
		s.running--
		s.finish(r)
		if r.Status == Failed && opts.FailFast && !s.stopped {
			s.stopped = true
			cancel()
		}
	}
	return s.results, nil
}

// scheduler is one Run's state.
type scheduler struct {
	opts    Options
	byID    map[string]*Job
	g       *graph.Graph
	direct  map[string][]string // job -> the jobs that depend on it directly
	prio    map[string]int
	results map[string]*Result
	pending map[string]int // unfinished dependencies
	ready   []string
	running int
	stopped bool // FailFast stopped the run
}

// newScheduler checks that the jobs form a DAG and finds the ones ready to start.
func newScheduler(jobs []Job, opts Options) (*scheduler, error) {
	s := &scheduler{opts: opts, byID: map[string]*Job{}, direct: map[string][]string{}, results: map[string]*Result{}, pending: map[string]int{}}
	nodes := map[string][]string{}
	for i := range jobs {
		j := &jobs[i]
		if _, dup := s.byID[j.ID]; dup {
			return nil, fmt.Errorf("schedule: job %q listed twice", j.ID)
		}
		s.byID[j.ID] = j
		nodes[j.ID] = j.Deps
	}
	s.g = graph.New(nodes)
	for id, missing := range s.g.Missing() {
		return nil, fmt.Errorf("schedule: job %q depends on %v, which are not jobs", id, missing)
	}
	if _, err := s.g.Waves(); err != nil {
		return nil, err
	}
	if s.opts.Parallelism <= 0 {
		s.opts.Parallelism = 1
	}
	for _, n := range s.g.Nodes() {
		for _, d := range s.g.Deps(n) {
			s.direct[d] = append(s.direct[d], n)
		}
		s.pending[n] = len(s.g.Deps(n))
		if s.pending[n] == 0 {
			s.ready = append(s.ready, n)
		}
	}
	s.prio = priorities(s.g, s.direct)
	return s, nil
}

// start starts ready jobs, the critical path first, up to the parallelism.
func (s *scheduler) start(ctx context.Context, done chan<- Result) {
	sort.Slice(s.ready, func(a, b int) bool {
		if s.prio[s.ready[a]] != s.prio[s.ready[b]] {
			return s.prio[s.ready[a]] > s.prio[s.ready[b]]
		}
		return s.ready[a] < s.ready[b]
	})
	for s.running < s.opts.Parallelism && len(s.ready) > 0 {
		id := s.ready[0]
		s.ready = s.ready[1:]
		if _, ended := s.results[id]; ended {
			continue
		}
		s.running++
		j, onStart := s.byID[id], s.opts.OnStart
		go func() {
			if onStart != nil {
				onStart(j.ID)
			}
			r := Result{ID: j.ID, Start: time.Now()}
			err := runJob(ctx, j)
			r.End = time.Now()
			if err != nil {
				r.Status, r.Err = Failed, err
			} else {
				r.Status = Succeeded
			}
			done <- r
		}()
	}
}

// skip ends the jobs of ids not ended yet: FailFast stopped the run.
func (s *scheduler) skip(ids []string) {
	for _, id := range ids {
		if _, ended := s.results[id]; !ended {
			now := time.Now()
			s.finish(Result{ID: id, Status: Skipped, Start: now, End: now, Err: errors.New("not started: --fail-fast stopped the run after a failure")})
		}
	}
}

// finish records a result and releases or skips dependents.
func (s *scheduler) finish(r Result) {
	s.results[r.ID] = &r
	if s.opts.OnDone != nil {
		s.opts.OnDone(r)
	}
	for _, d := range s.direct[r.ID] {
		if _, ended := s.results[d]; ended {
			continue
		}
		if r.Status != Succeeded {
			cause := r.Cause
			if r.Status == Failed {
				cause = r.ID
			}
			now := time.Now()
			s.finish(Result{ID: d, Status: Skipped, Cause: cause, Start: now, End: now, Err: skipErr(r, cause)})
			continue
		}
		s.pending[d]--
		if s.pending[d] == 0 {
			s.ready = append(s.ready, d)
		}
	}
}

func skipErr(dep Result, cause string) error {
	if dep.Status == Failed {
		return fmt.Errorf("dependency %s failed", dep.ID)
	}
	if cause == "" {
		return fmt.Errorf("dependency %s did not run", dep.ID)
	}
	return fmt.Errorf("dependency %s was skipped (%s failed)", dep.ID, cause)
}

// runJob runs a job, turning a panic into a failure.
func runJob(ctx context.Context, j *Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return j.Run(ctx)
}

// priorities gives each job the length of the longest chain of jobs waiting on it, so
// the critical path starts first.
func priorities(g *graph.Graph, direct map[string][]string) map[string]int {
	waves, _ := g.ReverseWaves()
	p := map[string]int{}
	for _, wave := range waves {
		for _, n := range wave {
			best := 0
			for _, d := range direct[n] {
				if p[d]+1 > best {
					best = p[d] + 1
				}
			}
			p[n] = best
		}
	}
	return p
}
