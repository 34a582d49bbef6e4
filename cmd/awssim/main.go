// Command awssim is olechka's simulated AWS provider: a provider plugin that OpenTofu
// runs as hashicorp/aws 6.66.0 (scripts/tools/60-awssim.sh installs it in the tool
// cache's filesystem mirror). It serves the schema file next to it or named by
// OLECHKA_AWSSIM_SCHEMA; see internal/awssim and docs/simulator.md.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"

	"github.com/terragrunt-olechka/olechka/internal/awssim"
)

// SchemaEnv names the schema file to serve when it is not beside the binary.
const SchemaEnv = "OLECHKA_AWSSIM_SCHEMA"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "awssim:", err)
		os.Exit(1)
	}
}

func schemaPath() string {
	if p := os.Getenv(SchemaEnv); p != "" {
		return p
	}
	exe, err := os.Executable()
	if err != nil {
		return "aws-schema.json.gz"
	}
	return filepath.Join(filepath.Dir(exe), "aws-schema.json.gz")
}

func run() error {
	p, err := awssim.Load(schemaPath())
	if err != nil {
		return err
	}
	return tf5server.Serve("registry.opentofu.org/hashicorp/aws", func() tfprotov5.ProviderServer { return p })
}
