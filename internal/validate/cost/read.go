package cost

import (
	"encoding/json"
	"fmt"
	"os"
)

// ReadReport reads a cost report: validate's cost JSON, or an object with a "cost" key
// holding one (validate's JSON output).
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var wrap struct {
		Cost *Report `json:"cost"`
	}
	if err := json.Unmarshal(b, &wrap); err == nil && wrap.Cost != nil {
		return wrap.Cost, nil
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not a cost report: %w", path, err)
	}
	if r.Units == nil && r.Currency == "" {
		return nil, fmt.Errorf("%s: not a cost report (no units, no currency)", path)
	}
	return &r, nil
}
