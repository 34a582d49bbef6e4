package cli

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/url"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/progress"
	"github.com/terragrunt-olechka/olechka/internal/state"
)

// ensureStateStore starts the embedded store at endpoint unless something answers
// there, and returns the environment that gives OpenTofu the store's credentials
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) and olechka's own children the
// OLECHKA_STATE_* pair. A store olechka starts has random credentials for this run; a
// store that already answers (olechka state serve, a test's) needs them from
// OLECHKA_STATE_ACCESS_KEY and OLECHKA_STATE_SECRET_KEY.
func ensureStateStore(ctx context.Context, getenv func(string) string, endpoint, dir string, prog *progress.Reporter) (func(), map[string]string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, nil, fmt.Errorf("OLECHKA_STATE_ENDPOINT %q is not a URL", endpoint)
	}
	if c, err := net.DialTimeout("tcp", u.Host, 300*time.Millisecond); err == nil {
		c.Close()
		creds, ok, err := state.CredentialsFromEnv(getenv)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, fmt.Errorf("a state store answers at %s, but %s and %s are not set: export the line `olechka state serve` printed, or unset OLECHKA_STATE_ENDPOINT to let olechka start its own store",
				endpoint, state.EnvAccessKey, state.EnvSecretKey)
		}
		return func() {}, storeEnv(creds), nil
	}
	host := u.Hostname()
	if host != "127.0.0.1" && host != "localhost" && host != "::1" {
		return nil, nil, fmt.Errorf("nothing answers at OLECHKA_STATE_ENDPOINT %s, and olechka only starts a state store on loopback", endpoint)
	}
	srv, err := state.Serve(ctx, state.Options{Dir: dir, Addr: u.Host})
	if err != nil {
		return nil, nil, fmt.Errorf("starting the embedded state store: %w", err)
	}
	prog.Printf("embedded state store on %s (data in %s)\n", srv.URL(), dir)
	return func() { _ = srv.Close() }, storeEnv(srv.Credentials()), nil
}

// storeEnv is the environment for processes that talk to the store.
func storeEnv(c state.Credentials) map[string]string {
	env := c.Env()
	maps.Copy(env, c.TofuEnv())
	return env
}
