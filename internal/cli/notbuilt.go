package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// PLACEHOLDER: removed once every command is built.
func notBuilt(name string) *cobra.Command {
	return &cobra.Command{
		Use:    name,
		Short:  "(not built yet)",
		Hidden: true,
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("%s is not built yet", name)
		},
	}
}
