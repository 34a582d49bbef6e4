package cli

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// TestStateServeRefusesRemote: `olechka state serve --addr 0.0.0.0:...` is refused
// without --allow-remote, and with it unless the credentials are given.
func TestStateServeRefusesRemote(t *testing.T) {
	env := map[string]string{}
	run := func(args ...string) (string, int) {
		var out bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		code := Main(ctx, App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out,
			Getenv: func(k string) string { return env[k] }}, args)
		return out.String(), code
	}
	dir := t.TempDir()
	if out, code := run("state", "serve", "--dir", dir, "--addr", "0.0.0.0:0"); code == 0 || !strings.Contains(out, "--allow-remote") {
		t.Errorf("0.0.0.0 without --allow-remote: exit %d\n%s", code, out)
	}
	if out, code := run("state", "serve", "--dir", dir, "--addr", "0.0.0.0:0", "--allow-remote"); code == 0 || !strings.Contains(out, "OLECHKA_STATE_SECRET_KEY") {
		t.Errorf("--allow-remote without a secret: exit %d\n%s", code, out)
	}
	env["OLECHKA_STATE_ACCESS_KEY"] = "team"
	if out, code := run("state", "serve", "--dir", dir, "--addr", "0.0.0.0:0", "--allow-remote"); code == 0 || !strings.Contains(out, "go together") {
		t.Errorf("an access key without a secret: exit %d\n%s", code, out)
	}
}

// TestEnsureStateStoreNeedsCredentials: a store that already answers is used only with
// its credentials; one olechka starts hands its own to OpenTofu.
func TestEnsureStateStoreNeedsCredentials(t *testing.T) {
	ctx := t.Context()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + ln.Addr().String()
	ln.Close()
	// Nothing answers: olechka starts a store; then asks again at its address.
	stop, tofuEnv, err := ensureStateStore(ctx, getenv, endpoint, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if tofuEnv["AWS_ACCESS_KEY_ID"] == "" || tofuEnv["AWS_SECRET_ACCESS_KEY"] == "" || tofuEnv["AWS_SESSION_TOKEN"] != "" {
		t.Errorf("environment for tofu: keys %v", len(tofuEnv))
	}
	if _, _, err := ensureStateStore(ctx, getenv, endpoint, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "OLECHKA_STATE_SECRET_KEY") {
		t.Errorf("running store without its credentials: %v", err)
	}
	env["OLECHKA_STATE_ACCESS_KEY"], env["OLECHKA_STATE_SECRET_KEY"] = tofuEnv["AWS_ACCESS_KEY_ID"], tofuEnv["AWS_SECRET_ACCESS_KEY"]
	_, again, err := ensureStateStore(ctx, getenv, endpoint, t.TempDir(), nil)
	if err != nil || again["AWS_SECRET_ACCESS_KEY"] != tofuEnv["AWS_SECRET_ACCESS_KEY"] {
		t.Errorf("running store with its credentials: %v", err)
	}
}
