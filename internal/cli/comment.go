package cli

import "github.com/spf13/cobra"

// PLACEHOLDER: replaced by the issue that builds this command.
func newCommentCmd(app *App) *cobra.Command {
	return notBuilt("comment")
}
