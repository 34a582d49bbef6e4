package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"io"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func TestZipIsDeterministicAndExecutable(t *testing.T) {
	bin := bytes.Repeat([]byte("\x7fELF fake binary "), 1000)
	var a, b bytes.Buffer
	if err := Zip(&a, bin); err != nil {
		t.Fatal(err)
	}
	if err := Zip(&b, bin); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) || SourceCodeHash(a.Bytes()) != SourceCodeHash(b.Bytes()) {
		t.Fatal("two zips of the same binary differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Fatalf("entries %+v", zr.File)
	}
	rc, _ := zr.File[0].Open()
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, bin) {
		t.Error("content differs")
	}
	if SourceCodeHash([]byte("")) != "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" {
		t.Error("SourceCodeHash is not base64(sha256)")
	}
}

// The real build: the forwarder compiles for linux/arm64, and twice gives the same zip.
func TestBuildForwarderForLambda(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the forwarder")
	}
	root := testenv.RepoRoot(t)
	ctx := context.Background()
	var zips [2][]byte
	for i := range zips {
		bin, err := Build(ctx, "", root, "./cmd/alarm-forwarder")
		if err != nil {
			t.Fatal(err)
		}
		f, err := elf.NewFile(bytes.NewReader(bin))
		if err != nil {
			t.Fatal(err)
		}
		if f.Machine != elf.EM_AARCH64 {
			t.Fatalf("machine %v, want arm64", f.Machine)
		}
		var zb bytes.Buffer
		if err := Zip(&zb, bin); err != nil {
			t.Fatal(err)
		}
		zips[i] = zb.Bytes()
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Error("two builds of the same source gave different zips")
	}
	t.Logf("zip %d bytes, source_code_hash %s", len(zips[0]), SourceCodeHash(zips[0]))
}
