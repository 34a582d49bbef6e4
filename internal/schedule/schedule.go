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
	"sync"
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
	byID := map[string]*Job{}
	nodes := map[string][]string{}
	for i := range jobs {
		j := &jobs[i]
		if _, dup := byID[j.ID]; dup {
			return nil, fmt.Errorf("schedule: job %q listed twice", j.ID)
		}
		byID[j.ID] = j
		nodes[j.ID] = j.Deps
	}
	g := graph.New(nodes)
	for id, missing := range g.Missing() {
		return nil, fmt.Errorf("schedule: job %q depends on %v, which are not jobs", id, missing)
	}
	if _, err := g.Waves(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	par := opts.Parallelism
	if par <= 0 {
		par = 1
	}
	direct := map[string][]string{}
	for _, n := range g.Nodes() {
		for _, d := range g.Deps(n) {
			direct[d] = append(direct[d], n)
		}
	}
	prio := priorities(g, direct)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	var mu sync.Mutex
	results := map[string]*Result{}
	pending := map[string]int{} // unfinished dependencies
	for _, id := range g.Nodes() {
		pending[id] = len(g.Deps(id))
	}
	var ready []string
	for _, id := range g.Nodes() {
		if pending[id] == 0 {
			ready = append(ready, id)
		}
	}
	stopped := false
	running := 0
	done := make(chan Result)

	// finish records a result and releases or skips dependents; called with mu held.
	var finish func(r Result)
	finish = func(r Result) {
		results[r.ID] = &r
		if opts.OnDone != nil {
			opts.OnDone(r)
		}
		for _, d := range direct[r.ID] {
			if _, ended := results[d]; ended {
				continue
			}
			if r.Status != Succeeded {
				cause := r.Cause
				if r.Status == Failed {
					cause = r.ID
				}
				now := time.Now()
				finish(Result{ID: d, Status: Skipped, Cause: cause, Start: now, End: now,
					Err: skipErr(r, cause)})
				continue
			}
			pending[d]--
			if pending[d] == 0 {
				ready = append(ready, d)
			}
		}
	}

	for {
		mu.Lock()
		if stopped {
			for _, id := range ready {
				if _, ended := results[id]; !ended {
					now := time.Now()
					finish(Result{ID: id, Status: Skipped, Start: now, End: now, Err: errors.New("not started: --fail-fast stopped the run after a failure")})
				}
			}
			ready = nil
		}
		sort.Slice(ready, func(a, b int) bool {
			if prio[ready[a]] != prio[ready[b]] {
				return prio[ready[a]] > prio[ready[b]]
			}
			return ready[a] < ready[b]
		})
		for running < par && len(ready) > 0 {
			id := ready[0]
			ready = ready[1:]
			if _, ended := results[id]; ended {
				continue
			}
			running++
			j := byID[id]
			go func() {
				if opts.OnStart != nil {
					opts.OnStart(j.ID)
				}
				r := Result{ID: j.ID, Start: time.Now()}
				err := runJob(runCtx, j)
				r.End = time.Now()
				if err != nil {
					r.Status, r.Err = Failed, err
				} else {
					r.Status = Succeeded
				}
				done <- r
			}()
		}
		if running == 0 {
			// Whatever was never released (only possible after a stop) is skipped.
			for _, id := range g.Nodes() {
				if _, ended := results[id]; !ended {
					now := time.Now()
					finish(Result{ID: id, Status: Skipped, Start: now, End: now, Err: errors.New("not started: --fail-fast stopped the run after a failure")})
				}
			}
			mu.Unlock()
			break
		}
		mu.Unlock()

		r := <-done
		mu.Lock()
		running--
		finish(r)
		if r.Status == Failed && opts.FailFast && !stopped {
			stopped = true
			cancel()
		}
		mu.Unlock()
	}
	return results, nil
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
