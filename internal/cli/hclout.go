package cli

import (
	"encoding/json"
	"io"
	"sort"

	"github.com/hashicorp/hcl/v2/hclwrite"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// writeHCL prints a rendered unit as HCL attributes, skipping empty values.
func writeHCL(w io.Writer, m map[string]any) error {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		if isEmpty(v) {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		ty, err := ctyjson.ImpliedType(b)
		if err != nil {
			return err
		}
		cv, err := ctyjson.Unmarshal(b, ty)
		if err != nil {
			return err
		}
		body.SetAttributeValue(k, cv)
	}
	_, err := w.Write(hclwrite.Format(f.Bytes()))
	return err
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
