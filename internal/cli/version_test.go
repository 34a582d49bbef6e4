package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFillBuildInfo(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-06T20:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	for _, c := range []struct {
		name       string
		in         BuildInfo
		info       debug.BuildInfo
		wantVer    string
		wantCommit string
		wantDirty  bool
	}{
		{"ldflags win", BuildInfo{Version: "v1.2.3", Commit: "feedface"}, debug.BuildInfo{Settings: vcs}, "v1.2.3", "feedface", false},
		{"vcs stamp", BuildInfo{Version: "0.1.0-dev"}, debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, "0.1.0-dev", "0123456789abcdef0123456789abcdef01234567", true},
		{"go install module@version", BuildInfo{Version: "0.1.0-dev"}, debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "v0.4.0", "unknown", false},
	} {
		got := fillBuildInfo(c.in, &c.info)
		if got.Version != c.wantVer || got.Commit != c.wantCommit || got.Modified != c.wantDirty {
			t.Errorf("%s: got %+v, want version %s commit %s dirty %v", c.name, got, c.wantVer, c.wantCommit, c.wantDirty)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	var out, errb bytes.Buffer
	app := App{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := Main(context.Background(), app, []string{"version"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	line := out.String()
	if !strings.HasPrefix(line, "olechka "+Version+" (commit ") || strings.Count(line, "\n") != 1 {
		t.Fatalf("version printed %q", line)
	}
	out.Reset()
	if code := Main(context.Background(), app, []string{"version", "--json"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var b BuildInfo
	if err := json.Unmarshal(out.Bytes(), &b); err != nil || b.Version != Version || b.Commit == "" || b.Platform == "" {
		t.Fatalf("version --json: %v %+v\n%s", err, b, out.String())
	}
}
