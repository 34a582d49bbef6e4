package detect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
)

// DefaultUnitsPerJob is how many units one packed plan job holds when neither
// PackOptions field is set: with `olechka plan --parallelism 4` that is four rounds of
// plans behind one job's fixed cost (checkout, OpenTofu, provider cache, OIDC), see
// docs/pipeline.md#packed-plan-jobs.
const DefaultUnitsPerJob = 16

// Job is one packed plan job: units that need the same OIDC role (account) and region,
// planned by one `olechka plan --jobs FILE --job ID` process with one provider cache.
//
// Waves do not split jobs. A plan never waits for another unit's apply: a unit's plan
// reads its dependencies' current state outputs (or their mock_outputs when they have
// none yet), whether the dependency is planned in the same job (the job then plans it
// first, in dependency order) or in another one (the job reads its state). So any two
// head units may share a job and the plans are the same. What waves govern is apply
// order, and apply orders the reviewed plans by their recorded dependencies, with the
// run-wide wave recorded in each unit's metadata (Job.Waves). The one order a plan
// cannot mix is the removed units': their destroys are planned from the base commit's
// configuration, so they need the base commit's history and run after every head
// wave; they get jobs of their own (Action destroy, FetchDepth 0).
type Job struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	// Env is the units' env when they all share one, else empty.
	Env string `json:"env,omitempty"`
	// Action is ActionPlan (units at head) or ActionDestroy (units removed since the
	// base commit, planned from its configuration).
	Action string `json:"action"`
	// FetchDepth is the git history the job needs, as actions/checkout's fetch-depth:
	// 1 (the head commit) for plans, 0 (all, so the base commit is there) for removed units.
	FetchDepth int `json:"fetch_depth"`
	// Waves are the run-wide waves of the units, in the order of Units (Result.Units').
	Waves []int `json:"waves"`
	// Units are the unit paths, in run order.
	Units []string `json:"units"`
}

// PackOptions size the packed jobs. UnitsPerJob wins when both are set; neither:
// DefaultUnitsPerJob.
type PackOptions struct {
	// UnitsPerJob is the most units one job plans.
	UnitsPerJob int
	// TargetJobs asks for about this many jobs in all: units per job is the affected
	// units divided by it, rounded up. Groups (account, region, action) never share a
	// job, so a run can get up to one more job per group than asked.
	TargetJobs int
}

// Pack groups the affected units into plan jobs (see Job): one group per account,
// region and action, each split into jobs of at most UnitsPerJob units of nearly equal
// size, cut along run order so a job's units mostly share a wave and plan in parallel.
// Units per job grows as needed so that there are never more than MaxJobs jobs (one
// GitHub matrix). An error only when the groups alone exceed MaxJobs.
func (r *Result) Pack(o PackOptions) ([]Job, error) {
	if len(r.Units) == 0 {
		return []Job{}, nil
	}
	if o.UnitsPerJob < 0 || o.TargetJobs < 0 {
		return nil, errors.New("units per job and target jobs must not be negative")
	}
	per := o.UnitsPerJob
	if per == 0 && o.TargetJobs > 0 {
		per = (len(r.Units) + o.TargetJobs - 1) / o.TargetJobs
	}
	if per == 0 {
		per = DefaultUnitsPerJob
	}
	type key struct{ account, region, action string }
	var keys []key
	groups := map[key][]int{} // indexes into r.Units, in run order
	for i, u := range r.Units {
		k := key{u.AccountID, u.Region, u.Action}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	if len(keys) > MaxJobs {
		return nil, fmt.Errorf("%d account/region groups need %d plan jobs at least, more than one matrix holds (%d)", len(keys), len(keys), MaxJobs)
	}
	count := func(per int) int {
		n := 0
		for _, k := range keys {
			n += (len(groups[k]) + per - 1) / per
		}
		return n
	}
	for count(per) > MaxJobs {
		per++
	}
	// Plans first, then destroys; within each, groups in order of their first unit.
	sort.SliceStable(keys, func(i, j int) bool {
		return keys[i].action != ActionDestroy && keys[j].action == ActionDestroy
	})
	jobs := []Job{}
	for _, k := range keys {
		idx := groups[k]
		n := (len(idx) + per - 1) / per
		start := 0
		for j := range n {
			// Sizes differ by at most one: the first len%n jobs get one more.
			size := len(idx) / n
			if j < len(idx)%n {
				size++
			}
			part := idx[start : start+size]
			start += size
			job := Job{ID: len(jobs), AccountID: k.account, Region: k.region, Action: k.action, FetchDepth: 1}
			if k.action == ActionDestroy {
				job.FetchDepth = 0
			}
			envs := map[string]bool{}
			for _, i := range part {
				u := r.Units[i]
				job.Units = append(job.Units, u.Path)
				job.Waves = append(job.Waves, u.Wave)
				envs[u.Env] = true
			}
			if len(envs) == 1 {
				job.Env = r.Units[part[0]].Env
			}
			job.Name = jobName(job, j, n)
			jobs = append(jobs, job)
		}
	}
	return jobs, nil
}

func jobName(j Job, i, n int) string {
	where := j.Region
	if j.Env != "" {
		where = j.Env + " " + where
	}
	if where == "" {
		where = "no region"
	}
	name := fmt.Sprintf("%s (%s)", where, plural(len(j.Units), "unit"))
	if j.Action == ActionDestroy {
		name = "removed: " + name
	}
	if n > 1 {
		name += fmt.Sprintf(" %d/%d", i+1, n)
	}
	return name
}

// JobMatrixEntry is one packed job in the GitHub matrix: what the job's runner needs
// before olechka runs (role, region, history); the units come from the detect JSON.
type JobMatrixEntry struct {
	Job        int    `json:"job"`
	Name       string `json:"name"`
	AccountID  string `json:"account_id"`
	Region     string `json:"region"`
	Env        string `json:"env"`
	Action     string `json:"action"`
	FetchDepth int    `json:"fetch_depth"`
	Units      int    `json:"units"`
}

// JobMatrix is the matrix of packed plan jobs: `strategy: matrix: ${{ fromJSON(...) }}`.
func JobMatrix(jobs []Job) JobsMatrix {
	m := JobsMatrix{Include: []JobMatrixEntry{}}
	for _, j := range jobs {
		m.Include = append(m.Include, JobMatrixEntry{Job: j.ID, Name: j.Name, AccountID: j.AccountID, Region: j.Region,
			Env: j.Env, Action: j.Action, FetchDepth: j.FetchDepth, Units: len(j.Units)})
	}
	return m
}

// JobsMatrix is the packed jobs' GitHub matrix.
type JobsMatrix struct {
	Include []JobMatrixEntry `json:"include"`
}

// WriteJobOutputs appends the packed jobs to w (the file $GITHUB_OUTPUT names): jobs
// (JobMatrix, JSON for fromJSON) and job-count.
func WriteJobOutputs(w io.Writer, jobs []Job) error {
	b, err := json.Marshal(JobMatrix(jobs))
	if err != nil {
		return err
	}
	for _, v := range [][2]string{{"jobs", string(b)}, {"job-count", fmt.Sprint(len(jobs))}} {
		delim, err := delimiter()
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s<<%s\n%s\n%s\n", v[0], delim, v[1], delim); err != nil {
			return fmt.Errorf("write GitHub output: %w", err)
		}
	}
	return nil
}

// OnlyEnv keeps the affected units of one env (deliver.yml delivers each env on its own).
func (r *Result) OnlyEnv(env string) {
	r.Units = slices.DeleteFunc(r.Units, func(u Affected) bool { return u.Env != env })
}

// JobPlan is what one packed job plans, read back from a detect JSON file.
type JobPlan struct {
	Job
	// Base is the detect run's base commit (removed units are planned from it).
	Base string
	// Head is the detect run's head commit.
	Head string
	// Wave is each unit's run-wide wave.
	Wave map[string]int
}

// ReadJob reads job id from a detect JSON file (olechka detect --json-out or --format json).
func ReadJob(path string, id int) (*JobPlan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Base string `json:"base"`
		Head string `json:"head"`
		Jobs []Job  `json:"jobs"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Jobs == nil {
		return nil, fmt.Errorf("%s has no \"jobs\": write it with an olechka detect that packs jobs", path)
	}
	if id < 0 || id >= len(f.Jobs) {
		return nil, fmt.Errorf("%s: no job %d (it has %d: 0..%d)", path, id, len(f.Jobs), len(f.Jobs)-1)
	}
	j := f.Jobs[id]
	if j.ID != id {
		return nil, fmt.Errorf("%s: job at index %d has id %d", path, id, j.ID)
	}
	if len(j.Units) == 0 || len(j.Waves) != len(j.Units) {
		return nil, fmt.Errorf("%s: job %d has %d units and %d waves", path, id, len(j.Units), len(j.Waves))
	}
	switch j.Action {
	case ActionPlan, ActionDestroy:
	default:
		return nil, fmt.Errorf("%s: job %d has unknown action %q", path, id, j.Action)
	}
	if j.Action == ActionDestroy && f.Base == "" {
		return nil, fmt.Errorf("%s: job %d plans removed units but the file has no base commit", path, id)
	}
	p := &JobPlan{Job: j, Base: f.Base, Head: f.Head, Wave: map[string]int{}}
	for i, u := range j.Units {
		p.Wave[u] = j.Waves[i]
	}
	return p, nil
}
