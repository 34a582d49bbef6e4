// Package progress shows what a plan or apply run is doing.
//
// On a terminal the output is compact: a live block at the bottom, redrawn in place, with
// one line per running unit (its step and for how long) and a summary bar, above which
// one line per finished unit scrolls; the per-step lines appear only with Verbose.
// Elsewhere (CI logs, pipes, tests) every event is one plain line, as it happens.
// Either way, when a Log is given, every event goes to it as a timestamped line with the
// full detail (the per-step log).
package progress

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
)

// Options configure a Reporter.
type Options struct {
	// Total is the number of units, for the "[done/total]" counter.
	Total int
	// Terminal selects the live block (redrawn in place) instead of plain lines.
	Terminal bool
	// Width is the terminal's width in columns (nil or <= 0: 80); called at each redraw,
	// so a resized terminal is followed. Live lines are cut to fit, so none wraps.
	Width func() int
	// Verbose prints every step as a line on a terminal too (above the live block).
	Verbose bool
	// Log, when set, receives every event as a plain timestamped line (steps included);
	// Close closes it when it is an io.Closer.
	Log io.Writer
	// MaxLines caps the live block's unit lines (default 8); the rest are counted.
	MaxLines int
	// Tick is how often the live block is redrawn to advance its clocks (default 500ms;
	// negative: only on events).
	Tick time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Reporter collects progress events; safe for concurrent use. A nil *Reporter is silent.
type Reporter struct {
	mu      sync.Mutex
	w       io.Writer
	o       Options
	start   time.Time
	done    int
	running map[string]*entry
	seq     int
	stop    chan struct{}
	stopped sync.WaitGroup
	drawn   int // lines of the live block on screen (the cursor is on its last one)
	logErr  error
	closed  bool
}

type entry struct {
	step      string
	since     time.Time
	stepSince time.Time
	order     int
}

// New returns a reporter writing to w; tty selects the live block. total is the number
// of units, for the "[done/total]" counter.
func New(w io.Writer, tty bool, total int) *Reporter {
	return NewWith(w, Options{Total: total, Terminal: tty})
}

// NewWith returns a reporter writing to w with the given options.
func NewWith(w io.Writer, o Options) *Reporter {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxLines <= 0 {
		o.MaxLines = 8
	}
	if o.Tick == 0 {
		o.Tick = 500 * time.Millisecond
	}
	r := &Reporter{w: w, o: o, start: o.Now(), running: map[string]*entry{}, stop: make(chan struct{})}
	if o.Terminal && o.Tick > 0 {
		r.stopped.Add(1)
		go r.tick()
	}
	return r
}

func (r *Reporter) tick() {
	defer r.stopped.Done()
	t := time.NewTicker(r.o.Tick)
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

func (r *Reporter) elapsed(now time.Time) string {
	return fmt.Sprintf("%6.1fs", now.Sub(r.start).Seconds())
}

// Step records that unit entered a step (init, plan, apply...).
func (r *Reporter) Step(unit, step string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.o.Now()
	e, ok := r.running[unit]
	if !ok {
		r.seq++
		e = &entry{since: now, order: r.seq}
		r.running[unit] = e
	}
	e.step, e.stepSince = step, now
	line := fmt.Sprintf("%s  %-40s %s", r.elapsed(now), unit, step)
	r.log(now, line)
	if r.o.Terminal && !r.o.Verbose {
		r.redraw()
		return
	}
	r.println(line)
}

// Done records that unit finished with a status word (planned, applied, failed...) and
// a detail (a summary line or an error; only its first line is shown, the log gets all).
func (r *Reporter) Done(unit, status, detail string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.o.Now()
	var took string
	if e, ok := r.running[unit]; ok {
		took = fmt.Sprintf(" (%.1fs)", now.Sub(e.since).Seconds())
		delete(r.running, unit)
	}
	r.done++
	line := fmt.Sprintf("%s  %-40s %s%s", r.elapsed(now), unit, status, took)
	if d := strings.TrimSpace(detail); d != "" {
		r.log(now, line+": "+d)
		line += ": " + artifact.FirstLine(d)
	} else {
		r.log(now, line)
	}
	r.println(line)
}

// Aside records that unit finished a side job (reading a dependency's state) that does
// not count towards the total.
func (r *Reporter) Aside(unit, status string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.o.Now()
	delete(r.running, unit)
	line := fmt.Sprintf("%s  %-40s %s", r.elapsed(now), unit, status)
	r.log(now, line)
	r.println(line)
}

// Printf prints text of its own (above the live block on a terminal) and logs it.
func (r *Reporter) Printf(format string, args ...any) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := fmt.Sprintf(format, args...)
	r.log(r.o.Now(), strings.TrimRight(s, "\n"))
	r.clear()
	fmt.Fprint(r.w, s)
	r.redraw()
}

// Close stops redrawing, removes the live block and closes the log (when it is an
// io.Closer). It returns the first error writing or closing the log.
func (r *Reporter) Close() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return r.logErr
	}
	r.closed = true
	r.mu.Unlock()
	if r.o.Terminal && r.o.Tick > 0 {
		close(r.stop)
		r.stopped.Wait()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clear()
	if c, ok := r.o.Log.(io.Closer); ok {
		if err := c.Close(); err != nil && r.logErr == nil {
			r.logErr = err
		}
	}
	return r.logErr
}

// println prints a finished line: above the live block on a terminal.
func (r *Reporter) println(line string) {
	r.clear()
	fmt.Fprintln(r.w, line)
	r.redraw()
}

// log writes a line to the log with the wall-clock time; later lines of a multi-line
// text are indented.
func (r *Reporter) log(now time.Time, line string) {
	if r.o.Log == nil || r.logErr != nil {
		return
	}
	line = strings.ReplaceAll(line, "\n", "\n"+strings.Repeat(" ", 24))
	if _, err := fmt.Fprintf(r.o.Log, "%s %s\n", now.UTC().Format("2006-01-02T15:04:05.000Z"), line); err != nil {
		r.logErr = err
	}
}

// clear erases the live block: back to its first line, then clear to the end of screen.
func (r *Reporter) clear() {
	if r.drawn == 0 {
		return
	}
	s := "\r"
	if r.drawn > 1 {
		s += fmt.Sprintf("\033[%dA", r.drawn-1)
	}
	fmt.Fprint(r.w, s+"\033[J")
	r.drawn = 0
}

// redraw draws the live block (a terminal only): a line per running unit, oldest first,
// then the summary bar. The cursor stays at the end of the bar.
func (r *Reporter) redraw() {
	if !r.o.Terminal || r.closed {
		return
	}
	r.clear()
	if len(r.running) == 0 {
		return
	}
	now := r.o.Now()
	width := 80
	if r.o.Width != nil {
		if w := r.o.Width(); w > 0 {
			width = w
		}
	}
	units := make([]string, 0, len(r.running))
	for u := range r.running {
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b string) int { return r.running[a].order - r.running[b].order })
	shown := units
	if len(shown) > r.o.MaxLines {
		shown = shown[:r.o.MaxLines-1]
	}
	lines := make([]string, 0, len(shown)+2)
	for _, u := range shown {
		e := r.running[u]
		lines = append(lines, fmt.Sprintf("  %-40s %-10s %4.0fs", u, e.step, now.Sub(e.stepSince).Seconds()))
	}
	if more := len(units) - len(shown); more > 0 {
		lines = append(lines, fmt.Sprintf("  ... and %d more running", more))
	}
	lines = append(lines, r.bar(now, len(units), width))
	for i, l := range lines {
		lines[i] = cut(l, width-1)
	}
	fmt.Fprint(r.w, strings.Join(lines, "\n"))
	r.drawn = len(lines)
}

// bar is the summary line: a bar of finished units, the counts and the elapsed time.
func (r *Reporter) bar(now time.Time, running, width int) string {
	text := fmt.Sprintf(" %d/%d done, %d running, %s", r.done, r.o.Total, running, strings.TrimSpace(r.elapsed(now)))
	n := min(30, width-1-len(text)-2)
	if n < 5 || r.o.Total <= 0 {
		return "[" + strings.TrimSpace(text) + "]"
	}
	fill := min(n, n*r.done/r.o.Total)
	return "[" + strings.Repeat("=", fill) + strings.Repeat(" ", n-fill) + "]" + text
}

// cut shortens s to at most n runes, marking the cut with "...".
func cut(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	if n <= 3 {
		return string(rs[:n])
	}
	return string(rs[:n-3]) + "..."
}
