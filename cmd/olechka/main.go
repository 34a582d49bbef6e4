// Command olechka delivers Terragrunt trees: detect, validate, plan, review, apply, notify.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/terragrunt-olechka/olechka/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.App{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Getenv:    os.Getenv,
		LookupEnv: os.LookupEnv,
	}, os.Args[1:])
	stop()
	os.Exit(code)
}
