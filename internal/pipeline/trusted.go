package pipeline

import (
	"context"
	"fmt"

	"github.com/terragrunt-olechka/olechka/internal/review"
)

// enforceTrusted replaces the units' approval rules with those of the trusted commit
// (o.Trusted) and returns the warnings naming what the change tried to change.
func enforceTrusted(ctx context.Context, o ReviewOptions, root string, units []review.Unit) ([]string, error) {
	if root == "" {
		return nil, fmt.Errorf("review: the rules of the trusted commit need the tree: pass PATH")
	}
	t, err := o.Trusted(ctx, root)
	if err != nil {
		return nil, fmt.Errorf("review: reading the approval rules from the trusted commit: %w", err)
	}
	return t.Enforce(units, o.Policy), nil
}
