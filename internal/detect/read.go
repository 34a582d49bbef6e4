package detect

import (
	"encoding/json"
	"fmt"
	"os"
)

// ReadResult reads detect's result as `olechka detect --format json` wrote it.
func ReadResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Result
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: not detect's JSON output: %w", path, err)
	}
	return &d, nil
}
