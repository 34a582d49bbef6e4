// Package pack builds the alarm forwarder's Lambda deployment package: a linux/arm64
// binary named bootstrap (the provided.al2023 runtime runs it) in a zip whose bytes
// depend only on the binary, so the same source gives the same source_code_hash.
package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Build compiles pkg (e.g. "./cmd/alarm-forwarder") in moduleDir for linux/arm64 and
// returns the binary. goBin is the go command ("" = "go" from PATH).
func Build(ctx context.Context, goBin, moduleDir, pkg string) ([]byte, error) {
	if goBin == "" {
		goBin = "go"
	}
	tmp, err := os.MkdirTemp("", "alarm-forwarder-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "bootstrap")
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc",
		"-ldflags", "-s -w -buildid=", "-o", out, pkg)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build %s for linux/arm64: %v\n%s", pkg, err, stderr.String())
	}
	return os.ReadFile(out)
}

// epoch is the modification time stored in the zip (the zip format's earliest).
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Zip writes a zip holding one executable file, bootstrap, with fixed metadata.
func Zip(w io.Writer, binary []byte) error {
	zw := zip.NewWriter(w)
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: epoch}
	h.SetMode(0o755)
	f, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	if _, err := f.Write(binary); err != nil {
		return err
	}
	return zw.Close()
}

// SourceCodeHash is what aws_lambda_function's source_code_hash holds for a file:
// base64 of its SHA-256 (filebase64sha256).
func SourceCodeHash(b []byte) string {
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}
