package finding

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// ReadFile reads findings from validate's JSON output: an array of findings, or an
// object with a "findings" array.
func ReadFile(path string) ([]Finding, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	var fs []Finding
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &fs); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return fs, nil
	}
	var obj struct {
		Findings *[]Finding `json:"findings"`
	}
	if err := json.Unmarshal(b, &obj); err != nil || obj.Findings == nil {
		return nil, fmt.Errorf("%s: not validate's JSON output (want a findings array or an object with \"findings\")", path)
	}
	return *obj.Findings, nil
}

// ByUnit groups findings by their unit ("" for findings of no unit).
func ByUnit(fs []Finding) map[string][]Finding {
	m := map[string][]Finding{}
	for _, f := range fs {
		m[f.Unit] = append(m[f.Unit], f)
	}
	return m
}
