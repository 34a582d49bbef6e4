package plan

import "testing"

// TestOptionsWave: a packed job records the run-wide wave of its units; units the
// job's waves do not name keep the wave of the job's own order.
func TestOptionsWave(t *testing.T) {
	cases := []struct {
		waves map[string]int
		unit  string
		own   int
		want  int
	}{
		{nil, "a", 2, 2},
		{map[string]int{"a": 5}, "a", 0, 5},
		{map[string]int{"a": 0}, "a", 3, 0},
		{map[string]int{"a": 5}, "b", 1, 1},
	}
	for _, c := range cases {
		o := Options{Waves: c.waves}
		if got := o.wave(c.unit, c.own); got != c.want {
			t.Errorf("waves %v, unit %s, own %d: got %d, want %d", c.waves, c.unit, c.own, got, c.want)
		}
	}
}
