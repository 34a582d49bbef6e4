package cli

import "github.com/spf13/cobra"

// PLACEHOLDER: replaced by the issue that builds this command.
func newStateCmd(app *App) *cobra.Command {
	return notBuilt("state")
}
