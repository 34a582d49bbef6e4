package awssim

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Drift is the out-of-band change mechanism: a JSON file named by OLECHKA_AWSSIM_DRIFT
// that says how simulated resources differ from what was applied, as if someone had
// changed them in the console. It maps "TYPE.ID" (the resource type and its id, e.g.
// "aws_s3_bucket.ai-tools-dev-assets") to either {"deleted": true}, which makes the
// resource gone (OpenTofu plans to create it again), or {"set": {ATTR: VALUE}}, which
// replaces top-level attributes in what a refresh reads (OpenTofu plans to change them
// back). The file is read at every refresh, so editing it between runs takes effect.
type Drift map[string]DriftChange

// DriftChange is one resource's out-of-band change.
type DriftChange struct {
	Deleted bool                       `json:"deleted,omitempty"`
	Set     map[string]json.RawMessage `json:"set,omitempty"`
}

func (p *Provider) applyDrift(ts *typeSchema, cur cty.Value) (cty.Value, error) {
	file := p.config().driftFile
	if file == "" || cur.IsNull() {
		return cur, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return cty.NilVal, fmt.Errorf("read drift file %s (%s): %w", file, DriftEnv, err)
	}
	var d Drift
	if err := json.Unmarshal(b, &d); err != nil {
		return cty.NilVal, fmt.Errorf("drift file %s: %w", file, err)
	}
	ch, ok := d[ts.name+"."+getString(cur, "id")]
	if !ok {
		return cur, nil
	}
	if ch.Deleted {
		return cty.NullVal(ts.ty), nil
	}
	out := cur
	for _, n := range slices.Sorted(maps.Keys(ch.Set)) {
		if !ts.ty.HasAttribute(n) {
			return cty.NilVal, fmt.Errorf("drift file %s: %s has no attribute %q", file, ts.name, n)
		}
		at := ts.ty.AttributeType(n)
		v, err := ctyjson.Unmarshal(ch.Set[n], at)
		if err != nil {
			return cty.NilVal, fmt.Errorf("drift file %s: %s.%s: %w", file, ts.name, n, err)
		}
		out = setAttr(out, n, v)
	}
	return out, nil
}
