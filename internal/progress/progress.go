// Package progress shows what a plan or apply run is doing: on a terminal, a status line
// redrawn in place (units running, their step and elapsed time) above which finished
// units scroll; elsewhere (CI logs), one plain line per step and per finished unit.
package progress

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Reporter collects progress events; safe for concurrent use.
type Reporter struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	start   time.Time
	total   int
	done    int
	running map[string]*entry
	stop    chan struct{}
	stopped sync.WaitGroup
	drawn   bool
}

type entry struct {
	step      string
	since     time.Time
	stepSince time.Time
}

// New returns a reporter writing to w; tty selects the redrawn status line. total is
// the number of units, for the "[done/total]" counter.
func New(w io.Writer, tty bool, total int) *Reporter {
	r := &Reporter{w: w, tty: tty, start: time.Now(), total: total, running: map[string]*entry{}, stop: make(chan struct{})}
	if tty {
		r.stopped.Add(1)
		go r.tick()
	}
	return r
}

func (r *Reporter) tick() {
	defer r.stopped.Done()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mu.Lock()
			r.redraw()
			r.mu.Unlock()
		}
	}
}

func (r *Reporter) elapsed() string {
	return fmt.Sprintf("%6.1fs", time.Since(r.start).Seconds())
}

// Step records that unit entered a step (init, plan, apply...).
func (r *Reporter) Step(unit, step string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	e, ok := r.running[unit]
	if !ok {
		e = &entry{since: now}
		r.running[unit] = e
	}
	e.step, e.stepSince = step, now
	if r.tty {
		r.redraw()
		return
	}
	fmt.Fprintf(r.w, "%s  %-40s %s\n", r.elapsed(), unit, step)
}

// Done records that unit finished with a status word (planned, applied, failed...) and
// a detail (a summary line or an error).
func (r *Reporter) Done(unit, status, detail string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var took string
	if e, ok := r.running[unit]; ok {
		took = fmt.Sprintf(" (%.1fs)", time.Since(e.since).Seconds())
		delete(r.running, unit)
	}
	r.done++
	line := fmt.Sprintf("%s  %-40s %s%s", r.elapsed(), unit, status, took)
	if detail != "" {
		line += ": " + firstLine(detail)
	}
	if r.tty {
		r.clear()
		fmt.Fprintln(r.w, line)
		r.redraw()
		return
	}
	fmt.Fprintln(r.w, line)
}

// Aside records that unit finished a side job (reading a dependency's state) that does
// not count towards the total.
func (r *Reporter) Aside(unit, status string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, unit)
	line := fmt.Sprintf("%s  %-40s %s", r.elapsed(), unit, status)
	if r.tty {
		r.clear()
		fmt.Fprintln(r.w, line)
		r.redraw()
		return
	}
	fmt.Fprintln(r.w, line)
}

// Printf prints a line of its own (above the status line on a terminal).
func (r *Reporter) Printf(format string, args ...any) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tty {
		r.clear()
	}
	fmt.Fprintf(r.w, format, args...)
	if r.tty {
		r.redraw()
	}
}

// Close stops redrawing and removes the status line.
func (r *Reporter) Close() {
	if r == nil {
		return
	}
	if r.tty {
		close(r.stop)
		r.stopped.Wait()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tty {
		r.clear()
	}
}

func (r *Reporter) clear() {
	if r.drawn {
		fmt.Fprint(r.w, "\r\033[K")
		r.drawn = false
	}
}

func (r *Reporter) redraw() {
	r.clear()
	if len(r.running) == 0 {
		return
	}
	units := make([]string, 0, len(r.running))
	for u := range r.running {
		units = append(units, u)
	}
	sort.Strings(units)
	parts := make([]string, len(units))
	for i, u := range units {
		e := r.running[u]
		parts[i] = fmt.Sprintf("%s (%s %.0fs)", u, e.step, time.Since(e.stepSince).Seconds())
	}
	line := fmt.Sprintf("[%d/%d] %s", r.done, r.total, strings.Join(parts, ", "))
	if len(line) > 160 {
		line = line[:157] + "..."
	}
	fmt.Fprint(r.w, line)
	r.drawn = true
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
