package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/terragrunt-olechka/olechka/internal/state"
)

func newStateCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "The embedded S3-compatible state store for local runs",
		Long: `state holds commands for the local state store: an S3-compatible server on
loopback (gofakes3 with a persistent bbolt backend) that OpenTofu's s3 backend uses
with lockfile locking (use_lockfile = true). See docs/state.md.`,
	}
	cmd.AddCommand(newStateServeCmd(app))
	return cmd
}

func newStateServeCmd(app *App) *cobra.Command {
	var dir, addr string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "serve [--dir .olechka/state] [--addr 127.0.0.1:PORT]",
		Short: "Serve an S3-compatible state store on loopback until interrupted",
		Long: `serve runs an S3-compatible store for OpenTofu state. Buckets are created on
first use; objects persist in DIR/state.db across restarts. Writes honour
If-None-Match, so OpenTofu's S3 lockfile (use_lockfile = true) locks state for real.

Point a tree at it with OLECHKA_LOCAL=1 and OLECHKA_STATE_ENDPOINT=<the printed URL>
(examples/sandbox/root.hcl reads both). olechka plan and apply start an in-process
store themselves when OLECHKA_LOCAL=1 and OLECHKA_STATE_ENDPOINT is unset.`,
		Example: `  olechka state serve
  olechka state serve --dir /tmp/olechka-state --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			opts := state.Options{Dir: dir, Addr: addr}
			if verbose {
				opts.Log = app.Stderr
			}
			s, err := state.Serve(ctx, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "state store listening on %s (data in %s)\n", s.URL(), dir)
			fmt.Fprintf(app.Stdout, "export OLECHKA_LOCAL=1 OLECHKA_STATE_ENDPOINT=%s\n", s.URL())
			<-s.Done()
			if err := s.Close(); err != nil {
				return fmt.Errorf("state store: %w", err)
			}
			fmt.Fprintln(app.Stdout, "state store stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".olechka/state", "folder holding the store (state.db)")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log every request to stderr")
	return cmd
}
