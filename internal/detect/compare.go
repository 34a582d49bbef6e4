package detect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// maxKeyReasons bounds how many changed keys a unit's reasons list.
const maxKeyReasons = 20

// deployed returns what a unit deploys as plain JSON values (maps, slices, strings,
// json.Number, bools, nil), so two evaluations compare by value.
//
// Paths inside the repository are made relative to its root: both sides share the
// root, and reasons read the same on every machine.
func deployed(u *config.Unit, repoRoot string) (any, error) {
	v, err := plain(config.DeployedView(u.Render()), repoRoot+"/")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Path, err)
	}
	return v, nil
}

// plain turns a rendered value into plain JSON values, stripping prefix from strings.
// Common types are converted directly; anything else goes through encoding/json.
func plain(v any, prefix string) (any, error) {
	switch x := v.(type) {
	case nil, bool, json.Number:
		return x, nil
	case string:
		return strings.ReplaceAll(x, prefix, ""), nil
	case int:
		return json.Number(strconv.Itoa(x)), nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			p, err := plain(e, prefix)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			p, err := plain(e, prefix)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case []string:
		if x == nil {
			return nil, nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = strings.ReplaceAll(e, prefix, "")
		}
		return out, nil
	case map[string]string:
		if x == nil {
			return nil, nil
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = strings.ReplaceAll(e, prefix, "")
		}
		return out, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	return plain(out, prefix)
}

// changedKeys lists the differences between two deployed views, one line per changed
// leaf: "inputs.backup_retention_days: 14 -> 30". Values of keys that look secret are
// masked.
func changedKeys(base, head any) []string {
	var out []string
	diffValue("", base, head, &out)
	sort.Strings(out)
	if len(out) > maxKeyReasons {
		n := len(out) - maxKeyReasons
		out = append(out[:maxKeyReasons], fmt.Sprintf("... and %d more changed keys", n))
	}
	return out
}

// diffValue appends the differences between a and b under path. Whether a value is
// secret is decided when a difference is reported, from every key on its path.
func diffValue(path string, a, b any, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		for k, av := range am {
			bv, bin := bm[k]
			p := joinKey(path, k)
			switch {
			case !bin && isEmpty(av):
				// An empty block vanishing deploys nothing different.
			case !bin:
				*out = append(*out, fmt.Sprintf("%s: %s -> (none)", p, show(av, secretKey.MatchString(p))))
			default:
				diffValue(p, av, bv, out)
			}
		}
		for k, bv := range bm {
			if _, ain := am[k]; ain || isEmpty(bv) {
				continue
			}
			p := joinKey(path, k)
			*out = append(*out, fmt.Sprintf("%s: (none) -> %s", p, show(bv, secretKey.MatchString(p))))
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffValue(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i], out)
		}
		return
	}
	if equal(a, b) {
		return
	}
	if secretKey.MatchString(path) {
		*out = append(*out, path+": (sensitive value changed)")
		return
	}
	as, bs := show(a, false), show(b, false)
	if as == bs { // both too long to show
		*out = append(*out, path+": changed")
		return
	}
	*out = append(*out, fmt.Sprintf("%s: %s -> %s", path, as, bs))
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func joinKey(path, k string) string {
	if !identifier.MatchString(k) {
		k = "[" + strconv.Quote(k) + "]"
		return path + k
	}
	if path == "" {
		return k
	}
	return path + "." + k
}

// secretKey matches key names whose values must never reach a log or comment.
var secretKey = regexp.MustCompile(`(?i)(password|passwd|passphrase|secret|token|private_?key|api_?key|credential|access_?key|signing_?key|session_?key)`)

// maxShown bounds the length of a value shown in a reason.
const maxShown = 60

// show renders a value for a reason: JSON, masked when secret, "…" when too long.
func show(v any, secret bool) string {
	if v == nil {
		return "(none)"
	}
	if secret {
		return "(sensitive)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "(value)"
	}
	s := string(b)
	if len(s) > maxShown || strings.Contains(s, `\n`) {
		switch v.(type) {
		case map[string]any:
			return "{…}"
		case []any:
			return "[…]"
		}
		return "(long value)"
	}
	return s
}
