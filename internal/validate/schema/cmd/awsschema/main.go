// Command awsschema extracts the AWS provider schema from the @cdktn/provider-aws npm
// tarball into the compact file the schema check loads. scripts/tools/30-aws-schema.sh
// runs it:
//
//	go run ./internal/validate/schema/cmd/awsschema -in cdktn-provider-aws-25.7.0.tgz \
//	    -source @cdktn/provider-aws@25.7.0 -out .cache/aws-schema.json.gz
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/validate/schema/extract"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "awsschema:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("awsschema", flag.ContinueOnError)
	in := fs.String("in", "", "npm package tarball (.tgz) of @cdktn/provider-aws")
	out := fs.String("out", "", "schema file to write (.json.gz)")
	source := fs.String("source", "@cdktn/provider-aws", "package name@version, recorded in the schema")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return fmt.Errorf("usage: awsschema -in PACKAGE.tgz -out SCHEMA.json.gz [-source NAME@VERSION]")
	}
	start := time.Now()
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	s, st, err := extract.FromTarball(f, *source)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	if err := s.Save(*out); err != nil {
		return err
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Printf("aws schema: %d resources, %d data sources, %d ephemeral resources (aws provider %s) from %d files in %s -> %s (%d KB)\n",
		st.Resources, st.DataSources, st.Ephemeral, s.ProviderVersion, st.Files, time.Since(start).Round(time.Millisecond), *out, fi.Size()/1024)
	if st.MissingFunctions > 0 || st.MissingComments > 0 {
		fmt.Printf("aws schema: %d nested blocks without a struct function, %d arguments without a comment\n", st.MissingFunctions, st.MissingComments)
	}
	fmt.Printf("aws schema: %d write-only arguments, %d computed-only attributes without a type, %d recursive references\n", st.WriteOnly, st.Untyped, st.Recursive)
	return nil
}
