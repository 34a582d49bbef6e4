package apply

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Verdict is the outcome of comparing a unit's re-plan (made with its dependencies' real
// outputs) with the plan that was reviewed (made with their mock outputs).
type Verdict struct {
	// Equivalent: the re-plan may be applied without another review.
	Equivalent bool `json:"equivalent"`
	// Reasons say why it is not equivalent: one readable line per difference.
	Reasons []string `json:"reasons,omitempty"`
	// Accepted lists the differences that were allowed, and why.
	Accepted []string `json:"accepted,omitempty"`
}

// minMockText is the shortest mock string value that is traced inside longer strings: a
// shorter one ("a", "us") would match almost anything.
const minMockText = 4

// Equivalent compares a re-plan with its reviewed plan. mocks are the mock values the
// reviewed plan used (decoded JSON, as recorded in its metadata). The re-plan is
// equivalent when it has the same resource addresses with the same actions, and every
// attribute or output value that differs was unknown in the reviewed plan or derived
// from a mock value: equal to a mock value (or a part of one), or a string containing a
// mock string. Any other difference, a destroy or replace the review did not see, and a
// different count or for_each (which shows as new or missing addresses) make it not
// equivalent.
func Equivalent(reviewed, replanned *tfjson.Plan, mocks []any) Verdict {
	tr := newTracer(mocks)
	var v Verdict
	was := changesByAddress(reviewed)
	now := changesByAddress(replanned)
	for _, addr := range slices.Sorted(maps.Keys(was)) {
		if _, ok := now[addr]; !ok {
			v.Reasons = append(v.Reasons, fmt.Sprintf("- %s: in the reviewed plan (%s), not in the re-plan", addr, actionString(was[addr].Actions)))
		}
	}
	for _, addr := range slices.Sorted(maps.Keys(now)) {
		a, ok := was[addr]
		b := now[addr]
		if !ok {
			v.Reasons = append(v.Reasons, fmt.Sprintf("+ %s: new in the re-plan (%s)", addr, actionString(b.Actions)))
			continue
		}
		if !slices.Equal(a.Actions, b.Actions) {
			msg := fmt.Sprintf("~ %s: reviewed as %s, re-planned as %s", addr, actionString(a.Actions), actionString(b.Actions))
			if b.Actions.Delete() || b.Actions.Replace() || b.Actions.DestroyBeforeCreate() || b.Actions.CreateBeforeDestroy() {
				msg += " (a destroy the review did not see)"
			}
			v.Reasons = append(v.Reasons, msg)
			continue
		}
		tr.compare(&v, addr, a.After, a.AfterUnknown, a.AfterSensitive, b.After, b.AfterUnknown, b.AfterSensitive)
	}
	wasOut, nowOut := outputChanges(reviewed), outputChanges(replanned)
	for _, name := range slices.Sorted(maps.Keys(wasOut)) {
		if _, ok := nowOut[name]; !ok {
			v.Reasons = append(v.Reasons, fmt.Sprintf("- output.%s: in the reviewed plan, not in the re-plan", name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(nowOut)) {
		a, ok := wasOut[name]
		b := nowOut[name]
		if !ok {
			v.Reasons = append(v.Reasons, fmt.Sprintf("+ output.%s: new in the re-plan", name))
			continue
		}
		if !slices.Equal(a.Actions, b.Actions) {
			v.Reasons = append(v.Reasons, fmt.Sprintf("~ output.%s: reviewed as %s, re-planned as %s", name, actionString(a.Actions), actionString(b.Actions)))
			continue
		}
		tr.compare(&v, "output."+name, a.After, a.AfterUnknown, a.AfterSensitive, b.After, b.AfterUnknown, b.AfterSensitive)
	}
	v.Equivalent = len(v.Reasons) == 0
	return v
}

func changesByAddress(p *tfjson.Plan) map[string]*tfjson.Change {
	out := map[string]*tfjson.Change{}
	if p == nil {
		return out
	}
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		out[rc.Address] = rc.Change
	}
	return out
}

func outputChanges(p *tfjson.Plan) map[string]*tfjson.Change {
	out := map[string]*tfjson.Change{}
	if p == nil {
		return out
	}
	for name, c := range p.OutputChanges {
		if c != nil {
			out[name] = c
		}
	}
	return out
}

func actionString(a tfjson.Actions) string {
	if len(a) == 0 {
		return "no-op"
	}
	s := make([]string, len(a))
	for i, x := range a {
		s[i] = string(x)
	}
	return strings.Join(s, "+")
}

// tracer recognises values derived from mocks.
type tracer struct {
	whole   map[string]bool // canonical JSON of every mock value and every part of one
	strings []string        // mock string values long enough to trace inside other strings
}

func newTracer(mocks []any) *tracer {
	t := &tracer{whole: map[string]bool{}}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case nil:
			return
		case bool:
			// true/false match too much to say a value came from a mock.
			return
		case string:
			if len(x) >= minMockText {
				t.strings = append(t.strings, x)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
		t.whole[canonical(v)] = true
	}
	for _, m := range mocks {
		walk(m)
	}
	return t
}

// derived reports whether a reviewed value came from a mock value.
func (t *tracer) derived(v any) bool {
	if v == nil {
		return false
	}
	if _, ok := v.(bool); ok {
		return false
	}
	if t.whole[canonical(v)] {
		return true
	}
	if s, ok := v.(string); ok {
		for _, m := range t.strings {
			if strings.Contains(s, m) {
				return true
			}
		}
	}
	return false
}

func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// compare walks a reviewed value and its re-planned counterpart, with their
// after_unknown and after_sensitive markers, and records each difference.
func (t *tracer) compare(v *Verdict, path string, a, aUnknown, aSens, b, bUnknown, bSens any) {
	if isTrue(aUnknown) {
		if !isTrue(bUnknown) {
			v.Accepted = append(v.Accepted, fmt.Sprintf("%s: unknown in the reviewed plan, now %s", path, show2(b, bUnknown, bSens)))
		}
		return
	}
	if isTrue(bUnknown) {
		if t.derived(a) {
			v.Accepted = append(v.Accepted, fmt.Sprintf("%s: %s came from a mock value, now known after apply", path, show2(a, nil, aSens)))
			return
		}
		v.Reasons = append(v.Reasons, fmt.Sprintf("~ %s: reviewed %s, now unknown until apply", path, show2(a, nil, aSens)))
		return
	}
	if reflect.DeepEqual(a, b) {
		return
	}
	switch x := a.(type) {
	case map[string]any:
		if y, ok := b.(map[string]any); ok {
			// A value unknown in one plan has no key there: walk both plans' keys.
			keys := map[string]bool{}
			for k := range x {
				keys[k] = true
			}
			for k := range y {
				keys[k] = true
			}
			for _, k := range slices.Sorted(maps.Keys(keys)) {
				t.compare(v, path+"."+k, x[k], field(aUnknown, k), field(aSens, k), y[k], field(bUnknown, k), field(bSens, k))
			}
			return
		}
	case []any:
		if y, ok := b.([]any); ok && len(x) == len(y) {
			for i := range x {
				t.compare(v, fmt.Sprintf("%s[%d]", path, i), x[i], elem(aUnknown, i), elem(aSens, i), y[i], elem(bUnknown, i), elem(bSens, i))
			}
			return
		}
	}
	if t.derived(a) {
		v.Accepted = append(v.Accepted, fmt.Sprintf("%s: %s came from a mock value, now %s", path, show2(a, nil, aSens), show2(b, nil, bSens)))
		return
	}
	v.Reasons = append(v.Reasons, fmt.Sprintf("~ %s: reviewed %s, re-planned %s", path, show2(a, nil, aSens), show2(b, nil, bSens)))
}

func isTrue(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

// field and elem descend into an after_unknown or after_sensitive marker tree, where
// true covers everything beneath.
func field(marker any, k string) any {
	switch m := marker.(type) {
	case bool:
		return m
	case map[string]any:
		return m[k]
	}
	return nil
}

func elem(marker any, i int) any {
	switch m := marker.(type) {
	case bool:
		return m
	case []any:
		if i < len(m) {
			return m[i]
		}
	}
	return nil
}

// show2 prints a plan value for a message: never a sensitive one.
func show2(v, unknown, sensitive any) string {
	switch {
	case isTrue(unknown):
		return "(known after apply)"
	case isTrue(sensitive) || sensitive != nil && containsTrue(sensitive):
		return "(sensitive value)"
	}
	s := canonical(v)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func containsTrue(m any) bool {
	switch x := m.(type) {
	case bool:
		return x
	case map[string]any:
		for _, e := range x {
			if containsTrue(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsTrue(e) {
				return true
			}
		}
	}
	return false
}
