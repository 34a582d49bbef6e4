package graph

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestWaves(t *testing.T) {
	g := New(map[string][]string{
		"vpc":    nil,
		"kms":    nil,
		"db":     {"vpc", "kms"},
		"cache":  {"vpc"},
		"app":    {"db", "cache", "vpc"},
		"alarms": {"app"},
	})
	waves, err := g.Waves()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"kms", "vpc"}, {"cache", "db"}, {"app"}, {"alarms"}}
	if !reflect.DeepEqual(waves, want) {
		t.Errorf("Waves = %v, want %v", waves, want)
	}
	rev, err := g.ReverseWaves()
	if err != nil {
		t.Fatal(err)
	}
	wantRev := [][]string{{"alarms"}, {"app"}, {"cache", "db"}, {"kms", "vpc"}}
	if !reflect.DeepEqual(rev, wantRev) {
		t.Errorf("ReverseWaves = %v, want %v", rev, wantRev)
	}
	if got := g.Dependents("vpc"); !reflect.DeepEqual(got, []string{"alarms", "app", "cache", "db"}) {
		t.Errorf("Dependents(vpc) = %v", got)
	}
	if got := g.Dependencies("app"); !reflect.DeepEqual(got, []string{"cache", "db", "kms", "vpc"}) {
		t.Errorf("Dependencies(app) = %v", got)
	}
	w, _ := g.WaveOf()
	if w["alarms"] != 3 || w["kms"] != 0 {
		t.Errorf("WaveOf = %v", w)
	}
}

func TestCycleNamesEveryUnit(t *testing.T) {
	g := New(map[string][]string{
		"a": {"b"},
		"b": {"c"},
		"c": {"a"},
		"d": {"a"},
		"e": {"e"},
	})
	_, err := g.Waves()
	var ce *CycleError
	if !errors.As(err, &ce) {
		t.Fatalf("Waves error = %v, want a CycleError", err)
	}
	want := [][]string{{"a", "b", "c", "a"}, {"e", "e"}}
	if !reflect.DeepEqual(ce.Cycles, want) {
		t.Errorf("Cycles = %v, want %v", ce.Cycles, want)
	}
	if msg := err.Error(); !strings.Contains(msg, "a -> b -> c -> a") || strings.Contains(msg, "d ->") || strings.Contains(msg, "-> d") {
		t.Errorf("message %q", msg)
	}
	if _, err := g.ReverseWaves(); err == nil {
		t.Error("ReverseWaves ignored the cycle")
	}
}

func TestMissingDependencies(t *testing.T) {
	g := New(map[string][]string{"a": {"gone"}, "b": {"a"}})
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "a depends on gone, which is not a unit") {
		t.Errorf("Validate = %v", err)
	}
	waves, err := g.Waves()
	if err != nil || !reflect.DeepEqual(waves, [][]string{{"a"}, {"b"}}) {
		t.Errorf("Waves = %v, %v", waves, err)
	}
}
