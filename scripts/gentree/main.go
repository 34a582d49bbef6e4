// Command gentree writes a spec-shaped Terragrunt tree for benchmarks:
//
//	go run ./scripts/gentree -out /tmp/tree -envs 46   # 46 envs x 2 regions x 11 units = 1,012 units
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/terragrunt-olechka/olechka/internal/gentree"
)

func main() {
	out := flag.String("out", "", "folder to write the tree into (live/ and modules/)")
	envs := flag.Int("envs", 46, "number of envs (each with 2 regions of 11 units)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gentree: -out is required")
		os.Exit(2)
	}
	o := gentree.Options{Envs: *envs}
	if err := gentree.Generate(*out, o); err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d units under %s/live\n", o.Units(), *out)
}
