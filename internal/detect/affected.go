package detect

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/graph"
)

// entry is one unit's state on both sides.
type entry struct {
	path             string
	head, base       *config.Unit
	headErr, baseErr error
	inHead, inBase   bool
	reasons          []string
	action           string
}

// compare decides, from both sides' evaluations, each unit's action and reasons, and
// the waves they run in.
func (d *detection) compare(headDirs []string, headUnits []*config.Unit, headErrs []error,
	allBaseDirs, baseDirs []string, baseUnits []*config.Unit, baseErrs []error) error {
	byPath := map[string]*entry{}
	get := func(dir string) *entry {
		p := config.RelPath(d.root, dir)
		e, ok := byPath[p]
		if !ok {
			e = &entry{path: p}
			byPath[p] = e
		}
		return e
	}
	for i, dir := range headDirs {
		e := get(dir)
		e.inHead, e.head, e.headErr = true, headUnits[i], headErrs[i]
	}
	for i, dir := range baseDirs {
		e := get(dir)
		e.inBase, e.base, e.baseErr = true, baseUnits[i], baseErrs[i]
	}
	// Units at base that were not evaluated there (unchanged) are in head only so far;
	// mark them present at base.
	for _, dir := range allBaseDirs {
		get(dir).inBase = true
	}
	if err := d.compareUnits(d.classify(byPath)); err != nil {
		return err
	}
	var headTree config.Tree
	headTree.Root = d.root
	for _, u := range headUnits {
		if u != nil {
			headTree.Units = append(headTree.Units, u)
		}
	}
	sort.Slice(headTree.Units, func(i, j int) bool { return headTree.Units[i].Path < headTree.Units[j].Path })
	g := graph.FromTree(&headTree)
	waveOf, err := g.WaveOf()
	if err != nil {
		return fmt.Errorf("head: %w", err)
	}
	upstream(byPath, g)
	return d.affected(byPath, waveOf)
}

// classify gives the units added, removed or not evaluating on a side their action,
// and returns those evaluated on both sides with different fingerprints, to compare.
func (d *detection) classify(byPath map[string]*entry) []*entry {
	var compared []*entry
	for _, e := range byPath {
		switch {
		case e.headErr != nil:
			e.action = ActionPlan
			e.reasons = append(e.reasons, "config does not evaluate at head: "+errHead(e.headErr))
			d.res.HeadErrors = append(d.res.HeadErrors, e.headErr)
		case e.inHead && !e.inBase:
			e.action = ActionPlan
			e.reasons = append(e.reasons, "added")
		case !e.inHead:
			e.action = ActionDestroy
			e.reasons = append(e.reasons, "removed")
			if e.baseErr != nil {
				e.reasons = append(e.reasons, "base config does not evaluate: "+errHead(e.baseErr))
				d.res.Warnings = append(d.res.Warnings, fmt.Sprintf("%s does not evaluate at base %s: %s", e.path, artifact.ShortID(d.res.Base), errHead(e.baseErr)))
			}
		case e.baseErr != nil:
			e.action = ActionPlan
			e.reasons = append(e.reasons, "base config does not evaluate: "+errHead(e.baseErr))
			d.res.Warnings = append(d.res.Warnings, fmt.Sprintf("%s does not evaluate at base %s (treated as affected): %s", e.path, artifact.ShortID(d.res.Base), errHead(e.baseErr)))
		case e.base != nil && e.head != nil:
			if e.base.Fingerprint != e.head.Fingerprint {
				compared = append(compared, e)
			}
		}
	}
	return compared
}

// upstream plans the dependents (at head) of every unit planned.
func upstream(byPath map[string]*entry, g *graph.Graph) {
	changed := map[string]bool{}
	for p, e := range byPath {
		if e.action == ActionPlan {
			changed[p] = true
		}
	}
	for _, n := range g.Nodes() {
		e := byPath[n]
		if e == nil {
			continue
		}
		for _, dep := range g.Deps(n) {
			if changed[dep] || len(intersect(g.Dependencies(dep), changed)) > 0 {
				e.reasons = append(e.reasons, "upstream changed: "+dep)
				if e.action == "" {
					e.action = ActionPlan
				}
			}
		}
	}
}

// affected lists the units with an action, in waves: plans in head order (dense), then
// destroys in reverse base order.
func (d *detection) affected(byPath map[string]*entry, waveOf map[string]int) error {
	planWaves := map[int]bool{}
	for p, e := range byPath {
		if e.action == ActionPlan {
			planWaves[waveOf[p]] = true
		}
	}
	ranks := slices.Sorted(maps.Keys(planWaves))
	rank := map[int]int{}
	for i, w := range ranks {
		rank[w] = i
	}
	destroyWave, err := d.destroyWaves(byPath, len(ranks))
	if err != nil {
		return err
	}
	for p, e := range byPath {
		if e.action == "" {
			continue
		}
		a := Affected{Path: p, Action: e.action, Reasons: e.reasons}
		u := e.head
		if e.action == ActionDestroy {
			u = e.base
			a.Wave = destroyWave[p]
		} else {
			a.Wave = rank[waveOf[p]]
		}
		if u != nil {
			a.Env, a.Region, a.Tier, a.AccountID = u.Env, u.Region, u.Tier, u.AccountID
		}
		d.res.Units = append(d.res.Units, a)
	}
	sort.Slice(d.res.Units, func(i, j int) bool {
		a, b := d.res.Units[i], d.res.Units[j]
		if a.Wave != b.Wave {
			return a.Wave < b.Wave
		}
		return a.Path < b.Path
	})
	sort.Strings(d.res.Warnings)
	return nil
}

// destroyWaves numbers the destroys' waves after the plans' (first): dependents first,
// by the base configuration's dependencies.
func (d *detection) destroyWaves(byPath map[string]*entry, first int) (map[string]int, error) {
	destroyNodes := map[string][]string{}
	for p, e := range byPath {
		if e.action != ActionDestroy {
			continue
		}
		var deps []string
		if e.base != nil {
			for _, dir := range e.base.DependencyDirs() {
				deps = append(deps, config.RelPath(d.root, dir))
			}
		}
		destroyNodes[p] = deps
	}
	destroyWave := map[string]int{}
	if len(destroyNodes) == 0 {
		return destroyWave, nil
	}
	rw, err := graph.New(destroyNodes).ReverseWaves()
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	for i, w := range rw {
		for _, n := range w {
			destroyWave[n] = first + i
		}
	}
	return destroyWave, nil
}

// compareUnits names what changed in each unit evaluated on both sides, in parallel.
func (d *detection) compareUnits(entries []*entry) error {
	n := d.opts.Parallelism
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, len(entries))
	var g errgroup.Group
	g.SetLimit(n)
	for i, e := range entries {
		g.Go(func() error {
			rs, err := d.unitReasons(e.base, e.head)
			if err != nil {
				errs[i] = err
				return nil
			}
			if len(rs) > 0 {
				e.action = ActionPlan
				e.reasons = rs
			}
			return nil
		})
	}
	_ = g.Wait() // every unit's error is kept, joined in order
	return errors.Join(errs...)
}
