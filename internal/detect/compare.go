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
	b, err := json.Marshal(config.DeployedView(u.Render()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Path, err)
	}
	if root, err := json.Marshal(repoRoot + "/"); err == nil {
		b = bytes.ReplaceAll(b, root[1:len(root)-1], nil)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: %w", u.Path, err)
	}
	return v, nil
}

// changedKeys lists the differences between two deployed views, one line per changed
// leaf: "inputs.backup_retention_days: 14 -> 30". Values of keys that look secret are
// masked.
func changedKeys(base, head any) []string {
	var out []string
	diffValue("", base, head, false, &out)
	sort.Strings(out)
	if len(out) > maxKeyReasons {
		n := len(out) - maxKeyReasons
		out = append(out[:maxKeyReasons], fmt.Sprintf("... and %d more changed keys", n))
	}
	return out
}

func diffValue(path string, a, b any, secret bool, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			av, ain := am[k]
			bv, bin := bm[k]
			p := joinKey(path, k)
			s := secret || secretKey.MatchString(k)
			switch {
			case !ain && isEmpty(bv), !bin && isEmpty(av):
				// An empty block appearing or vanishing deploys nothing different.
			case !ain:
				*out = append(*out, fmt.Sprintf("%s: (none) -> %s", p, show(bv, s)))
			case !bin:
				*out = append(*out, fmt.Sprintf("%s: %s -> (none)", p, show(av, s)))
			default:
				diffValue(p, av, bv, s, out)
			}
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffValue(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i], secret, out)
		}
		return
	}
	if equal(a, b) {
		return
	}
	if secret {
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
