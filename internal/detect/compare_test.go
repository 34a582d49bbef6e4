package detect

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestChangedKeys(t *testing.T) {
	base := decode(t, `{"inputs": {"days": 14, "name": "a", "db": {"master_password": "p1", "port": 5432},
		"list": [1, 2], "grow": [1], "api_token": "t1", "gone": true, "long": "`+strings.Repeat("x", 100)+`"},
		"generate": {}, "dependency": {"vpc": {"config_path": "../vpc", "enabled": true}}}`)
	head := decode(t, `{"inputs": {"days": 30, "name": "a", "db": {"master_password": "p2", "port": 5433},
		"list": [1, 3], "grow": [1, 2], "api_token": "t2", "new": null, "added": "x", "long": "`+strings.Repeat("y", 100)+`"},
		"dependency": {}}`)
	got := changedKeys(base, head)
	want := []string{
		`dependency.vpc: {"config_path":"../vpc","enabled":true} -> (none)`,
		`inputs.added: (none) -> "x"`,
		`inputs.api_token: (sensitive value changed)`,
		`inputs.days: 14 -> 30`,
		`inputs.db.master_password: (sensitive value changed)`,
		`inputs.db.port: 5432 -> 5433`,
		`inputs.gone: true -> (none)`,
		`inputs.grow: [1] -> [1,2]`,
		`inputs.list[1]: 2 -> 3`,
		`inputs.long: changed`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changedKeys:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, g := range got {
		for _, secret := range []string{"p1", "p2", "t1", "t2"} {
			if strings.Contains(g, `"`+secret+`"`) {
				t.Errorf("secret %s shown: %s", secret, g)
			}
		}
	}
	// A whole secret object appearing is masked too.
	got = changedKeys(decode(t, `{"inputs": {}}`), decode(t, `{"inputs": {"credentials": {"user": "u", "pass": "p"}}}`))
	if !reflect.DeepEqual(got, []string{"inputs.credentials: (none) -> (sensitive)"}) {
		t.Errorf("got %q", got)
	}
	if got := changedKeys(base, base); len(got) != 0 {
		t.Errorf("no change: %q", got)
	}
}

func TestChangedKeysBounded(t *testing.T) {
	a, b := map[string]any{}, map[string]any{}
	for i := 0; i < 30; i++ {
		k := string(rune('a'+i%26)) + strings.Repeat("k", i/26)
		a[k] = json.Number("1")
		b[k] = json.Number("2")
	}
	got := changedKeys(map[string]any{"inputs": a}, map[string]any{"inputs": b})
	if len(got) != maxKeyReasons+1 || got[maxKeyReasons] != "... and 10 more changed keys" {
		t.Fatalf("got %d reasons, last %q", len(got), got[len(got)-1])
	}
}
