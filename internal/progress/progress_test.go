package progress

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPlainLines(t *testing.T) {
	var b bytes.Buffer
	r := New(&b, false, 2)
	r.Step("dev/vpc", "init")
	r.Step("dev/vpc", "plan")
	r.Done("dev/vpc", "planned", "Plan: 1 to add, 0 to change, 0 to destroy.\nmore")
	r.Done("dev/app", "skipped", "dependency dev/vpc failed")
	r.Close()
	out := b.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("lines:\n%s", out)
	}
	if !strings.Contains(lines[1], "dev/vpc") || !strings.HasSuffix(lines[1], "plan") {
		t.Errorf("step line %q", lines[1])
	}
	if !strings.Contains(lines[2], "planned (") || !strings.HasSuffix(lines[2], "Plan: 1 to add, 0 to change, 0 to destroy.") {
		t.Errorf("done line %q", lines[2])
	}
	if strings.Contains(out, "\033") {
		t.Error("escape codes in plain output")
	}
}

// screen is a fake terminal: it interprets what the reporter writes (printable text,
// CR, LF, cursor up, erase line, erase to end of screen) into rows, as a terminal would,
// and fails on any other escape sequence or on a row longer than the width (a wrap).
type screen struct {
	t     *testing.T
	width int
	rows  []string
	row   int
	col   int
}

func newScreen(t *testing.T, width int) *screen {
	return &screen{t: t, width: width, rows: []string{""}}
}

func (s *screen) Write(p []byte) (int, error) {
	rs := []rune(string(p))
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '\r':
			s.col = 0
		case '\n':
			s.row++
			s.col = 0
			if s.row == len(s.rows) {
				s.rows = append(s.rows, "")
			}
		case '\033':
			if i+1 >= len(rs) || rs[i+1] != '[' {
				s.t.Fatalf("bare escape in %q", p)
			}
			j := i + 2
			for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
				j++
			}
			if j >= len(rs) {
				s.t.Fatalf("cut escape in %q", p)
			}
			n := 1
			if j > i+2 {
				n, _ = strconv.Atoi(string(rs[i+2 : j]))
			}
			switch rs[j] {
			case 'A':
				s.row = max(0, s.row-n)
			case 'K':
				s.rows[s.row] = s.cells(s.row)[:s.col]
			case 'J':
				s.rows[s.row] = s.cells(s.row)[:s.col]
				s.rows = s.rows[:s.row+1]
			default:
				s.t.Fatalf("unexpected escape %q in %q", string(rs[i:j+1]), p)
			}
			i = j
		default:
			if s.col >= s.width {
				s.t.Errorf("row %d wraps at %d columns: %q", s.row, s.width, s.rows[s.row])
			}
			cells := []rune(s.cells(s.row))
			for len(cells) <= s.col {
				cells = append(cells, ' ')
			}
			cells[s.col] = c
			s.rows[s.row] = string(cells)
			s.col++
		}
	}
	return len(p), nil
}

func (s *screen) cells(row int) string { return s.rows[row] }

// text is the screen's rows, trailing blanks trimmed.
func (s *screen) text() string {
	return strings.TrimRight(strings.Join(s.rows, "\n"), "\n ")
}

// clock is a fake clock advanced by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)} }
func lines(s string) []string        { return strings.Split(s, "\n") }
func trimRows(rows []string) (o []string) {
	for _, r := range rows {
		o = append(o, strings.TrimRight(r, " "))
	}
	return o
}

func TestTerminalLiveBlock(t *testing.T) {
	// The screen is wider than the reporter is told, so that a finished line (permanent
	// text, which the terminal may wrap) does not trip the fake screen's wrap check;
	// the live lines must fit in the 70 columns given.
	scr := newScreen(t, 200)
	c := newClock()
	var log bytes.Buffer
	r := NewWith(scr, Options{Total: 3, Terminal: true, Width: func() int { return 70 }, Tick: -1, Now: c.now, Log: &log})

	r.Step("dev/eu-central-1/network", "init")
	c.add(2 * time.Second)
	r.Step("dev/eu-central-1/storage", "init")
	c.add(time.Second)
	r.Step("dev/eu-central-1/network", "plan")
	got := trimRows(lines(scr.text()))
	want := []string{
		"  dev/eu-central-1/network                 plan          0s",
		"  dev/eu-central-1/storage                 init          1s",
		"[" + strings.Repeat(" ", 30) + "] 0/3 done, 2 running, 3.0s",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("live block:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A finished unit scrolls above the block; the block shrinks to what still runs.
	c.add(2 * time.Second)
	r.Done("dev/eu-central-1/network", "planned", "Plan: 2 to add, 0 to change, 0 to destroy.\nsecond line")
	got = trimRows(lines(scr.text()))
	if len(got) != 3 {
		t.Fatalf("after Done:\n%s", scr.text())
	}
	if got[0] != "   5.0s  dev/eu-central-1/network                 planned (5.0s): Plan: 2 to add, 0 to change, 0 to destroy." {
		t.Errorf("finished line %q", got[0])
	}
	if got[1] != "  dev/eu-central-1/storage                 init          3s" {
		t.Errorf("running line %q", got[1])
	}
	if want := "[" + strings.Repeat("=", 10) + strings.Repeat(" ", 20) + "] 1/3 done, 1 running, 5.0s"; got[2] != want {
		t.Errorf("bar %q, want %q", got[2], want)
	}

	r.Done("dev/eu-central-1/storage", "failed", "exit status 1")
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got = trimRows(lines(scr.text()))
	if len(got) != 2 || !strings.HasSuffix(got[1], "failed (3.0s): exit status 1") {
		t.Errorf("after Close (the live block gone):\n%s", scr.text())
	}
	// Without --verbose the steps are not on the screen, but they are in the log, with
	// the whole detail.
	if strings.Contains(scr.text(), " init\n") {
		t.Errorf("step lines on a terminal without Verbose:\n%s", scr.text())
	}
	logText := log.String()
	for _, w := range []string{
		"2026-12-06T23:00:00.000Z    0.0s  dev/eu-central-1/network                 init\n",
		"2026-12-06T23:00:03.000Z    3.0s  dev/eu-central-1/network                 plan\n",
		"planned (5.0s): Plan: 2 to add, 0 to change, 0 to destroy.\n" + strings.Repeat(" ", 24) + "second line\n",
		"dev/eu-central-1/storage                 failed (3.0s): exit status 1\n",
	} {
		if !strings.Contains(logText, w) {
			t.Errorf("log lacks %q:\n%s", w, logText)
		}
	}
}

// Live lines are cut to a narrow width (none wraps), and units beyond MaxLines are counted.
func TestTerminalNarrowAndMany(t *testing.T) {
	scr := newScreen(t, 40)
	c := newClock()
	r := NewWith(scr, Options{Total: 20, Terminal: true, Width: func() int { return 40 }, Tick: -1, Now: c.now, MaxLines: 3})
	for i := range 5 {
		r.Step("production/eu-central-1/unit-"+strconv.Itoa(i), "init")
	}
	got := trimRows(lines(scr.text()))
	want := []string{
		"  production/eu-central-1/unit-0    ...",
		"  production/eu-central-1/unit-1    ...",
		"  ... and 3 more running",
		"[          ] 0/20 done, 5 running, 0.0s",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("narrow block:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	r.Close()
	if scr.text() != "" {
		t.Errorf("Close left %q", scr.text())
	}
}

func TestTerminalVerbose(t *testing.T) {
	scr := newScreen(t, 120)
	c := newClock()
	r := NewWith(scr, Options{Total: 1, Terminal: true, Width: func() int { return 120 }, Tick: -1, Now: c.now, Verbose: true})
	r.Step("dev/vpc", "init")
	c.add(time.Second)
	r.Step("dev/vpc", "plan")
	r.Printf("note: %s\n", "something")
	got := trimRows(lines(scr.text()))
	if len(got) != 5 || !strings.HasSuffix(got[0], "dev/vpc                                  init") ||
		!strings.HasSuffix(got[1], "plan") || got[2] != "note: something" || !strings.HasPrefix(got[3], "  dev/vpc") ||
		!strings.Contains(got[4], "0/1 done, 1 running") {
		t.Errorf("verbose screen:\n%s", scr.text())
	}
	r.Close()
}

func TestTicksAndNil(t *testing.T) {
	var b bytes.Buffer
	r := NewWith(&b, Options{Total: 1, Terminal: true, Tick: time.Millisecond})
	r.Step("dev/vpc", "init")
	time.Sleep(20 * time.Millisecond)
	r.Done("dev/vpc", "planned", "")
	r.Close()
	r.Close() // twice is harmless
	out := b.String()
	if strings.Count(out, "dev/vpc                                  init") < 2 {
		t.Errorf("the ticker did not redraw: %q", out)
	}
	var nilR *Reporter
	nilR.Step("x", "y") // a nil reporter is silent
	nilR.Printf("z")
	if err := nilR.Close(); err != nil {
		t.Error(err)
	}
}

type failingLog struct{ closed bool }

func (f *failingLog) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (f *failingLog) Close() error              { f.closed = true; return nil }

func TestLogErrorAndClose(t *testing.T) {
	var b bytes.Buffer
	l := &failingLog{}
	r := NewWith(&b, Options{Total: 1, Log: l})
	r.Step("dev/vpc", "init")
	r.Done("dev/vpc", "planned", "")
	if err := r.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close: %v", err)
	}
	if !l.closed {
		t.Error("the log was not closed")
	}
	if !strings.Contains(b.String(), "planned") {
		t.Errorf("output stopped with the log: %q", b.String())
	}
}
