// Command package builds the alarm forwarder's Lambda zip:
//
//	go run ./cmd/alarm-forwarder/package -o .olechka/dist/alarm-forwarder.zip
//
// It cross-compiles ./cmd/alarm-forwarder for linux/arm64 as "bootstrap", zips it with
// fixed metadata (same source, same bytes) and prints the zip's base64 SHA-256, the
// source_code_hash OpenTofu will compare. modules/observability deploys the zip.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/terragrunt-olechka/olechka/internal/alarm/pack"
)

func main() {
	out := flag.String("o", ".olechka/dist/alarm-forwarder.zip", "zip to write")
	dir := flag.String("C", ".", "the Go module's folder (the repository root)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir, out string) error {
	bin, err := pack.Build(ctx, "", dir, "./cmd/alarm-forwarder")
	if err != nil {
		return err
	}
	var zb bytes.Buffer
	if err := pack.Zip(&zb, bin); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	// Leave an identical zip alone so its mtime (and anything watching it) is unchanged.
	if old, err := os.ReadFile(out); err == nil && bytes.Equal(old, zb.Bytes()) {
		fmt.Printf("%s unchanged (%d bytes) source_code_hash %s\n", out, zb.Len(), pack.SourceCodeHash(zb.Bytes()))
		return nil
	}
	// A temporary file of its own, so units packaging at once never share one.
	f, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(zb.Bytes())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, out)
	}
	if werr != nil {
		os.Remove(tmp)
		return werr
	}
	fmt.Printf("%s written (%d bytes) source_code_hash %s\n", out, zb.Len(), pack.SourceCodeHash(zb.Bytes()))
	return nil
}
