package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version and Commit are set by release builds (make release):
//
//	-ldflags "-X github.com/terragrunt-olechka/olechka/internal/cli.Version=v0.4.0
//	          -X github.com/terragrunt-olechka/olechka/internal/cli.Commit=<sha>"
//
// They are variables only because the linker can set nothing else. Other builds fall
// back to what the Go toolchain stamped into the binary (see BuildVersion).
var (
	Version = "0.1.0-dev"
	Commit  = ""
)

// BuildInfo says which olechka this is.
type BuildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`             // full commit hash, or "unknown"
	Modified bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
	Time     string `json:"commit_time,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// BuildVersion returns the version and commit set at link time; where they were not
// set, the module version and VCS stamp of the Go toolchain's build info (go build in
// a git checkout records vcs.revision; go install module@vX.Y.Z records the version).
func BuildVersion() BuildInfo {
	b := BuildInfo{Version: Version, Commit: Commit, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if b.Commit == "" {
			b.Commit = "unknown"
		}
		return b
	}
	return fillBuildInfo(b, info)
}

// fillBuildInfo completes b from the toolchain's build info without overriding what
// the linker set.
func fillBuildInfo(b BuildInfo, info *debug.BuildInfo) BuildInfo {
	if b.Version == "0.1.0-dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	var rev, vcsTime string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			vcsTime = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if b.Commit == "" {
		b.Commit, b.Modified = rev, modified
	}
	if b.Commit == rev {
		b.Time = vcsTime
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// String is the one line `olechka version` prints.
func (b BuildInfo) String() string {
	commit := b.Commit
	if b.Modified {
		commit += "+dirty"
	}
	return fmt.Sprintf("olechka %s (commit %s, %s, %s)", b.Version, commit, b.Go, b.Platform)
}

func newVersionCmd(app *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print olechka's version and the commit it was built from",
		Long: `version prints olechka's version and the commit it was built from: set by release
builds (make release), otherwise what the Go toolchain recorded (go build in a git
checkout records the commit and whether the tree had uncommitted changes, "+dirty").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := BuildVersion()
			if asJSON {
				enc := json.NewEncoder(app.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(b)
			}
			_, err := fmt.Fprintln(app.Stdout, b.String())
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the build information as JSON")
	return cmd
}
