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
	var verbose, allowRemote bool
	cmd := &cobra.Command{
		Use:   "serve [--dir .olechka/state] [--addr 127.0.0.1:PORT] [--allow-remote]",
		Short: "Serve an S3-compatible state store on loopback until interrupted",
		Long: `serve runs an S3-compatible store for OpenTofu state. Buckets are created on
first use; objects persist in DIR/state.db across restarts. Writes honour
If-None-Match, so OpenTofu's S3 lockfile (use_lockfile = true) locks state for real.

Every request must be signed (AWS Signature Version 4) with the store's credentials:
a random pair per run, or OLECHKA_STATE_ACCESS_KEY and OLECHKA_STATE_SECRET_KEY when
both are set. Requests from web browsers are refused; answers carry no CORS headers.
A non-loopback --addr needs --allow-remote and both variables set (a secret of at
least 32 characters); the store speaks plain HTTP, so serve other machines only on a
network you trust.

serve prints the variables that point a tree at it: OLECHKA_LOCAL=1,
OLECHKA_STATE_ENDPOINT and the two credential variables. olechka plan, apply and
pipeline hand the credentials to OpenTofu as AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY; they start an in-process store with its own random
credentials when OLECHKA_LOCAL=1 and nothing answers at OLECHKA_STATE_ENDPOINT.`,
		Example: `  olechka state serve
  olechka state serve --dir /tmp/olechka-state --addr 127.0.0.1:9000
  OLECHKA_STATE_ACCESS_KEY=team OLECHKA_STATE_SECRET_KEY=$(openssl rand -hex 24) \
    olechka state serve --addr 0.0.0.0:9000 --allow-remote`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			creds, given, err := state.CredentialsFromEnv(app.Getenv)
			if err != nil {
				return err
			}
			opts := state.Options{Dir: dir, Addr: addr, Credentials: creds, AllowRemote: allowRemote}
			if verbose {
				opts.Log = app.Stderr
			}
			s, err := state.Serve(ctx, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "state store listening on %s (data in %s)\n", s.URL(), dir)
			if given {
				fmt.Fprintf(app.Stdout, "export OLECHKA_LOCAL=1 OLECHKA_STATE_ENDPOINT=%s  # and your %s, %s\n",
					s.URL(), state.EnvAccessKey, state.EnvSecretKey)
			} else {
				// The random secret goes to stdout only: the terminal of whoever started it.
				c := s.Credentials()
				fmt.Fprintf(app.Stdout, "export OLECHKA_LOCAL=1 OLECHKA_STATE_ENDPOINT=%s %s=%s %s=%s\n",
					s.URL(), state.EnvAccessKey, c.AccessKeyID, state.EnvSecretKey, c.SecretAccessKey)
			}
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
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "allow a non-loopback --addr (needs OLECHKA_STATE_ACCESS_KEY and OLECHKA_STATE_SECRET_KEY)")
	return cmd
}
