package config

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// FileSystem is what the evaluator reads a tree through. Paths are absolute OS paths,
// so a tree read from git objects renders exactly as the same tree on disk.
type FileSystem interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	ReadDir(name string) ([]fs.DirEntry, error)
}

// OSFileSystem reads the machine's file system.
type OSFileSystem struct{}

// ReadFile implements FileSystem.
func (OSFileSystem) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

// Stat implements FileSystem.
func (OSFileSystem) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// ReadDir implements FileSystem.
func (OSFileSystem) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

// FromFS serves fsys as if it were mounted at the absolute folder root: a read of
// root/a/b reads a/b from fsys; anything outside root does not exist.
func FromFS(fsys fs.FS, root string) FileSystem {
	return mountedFS{fsys: fsys, root: filepath.Clean(root)}
}

type mountedFS struct {
	fsys fs.FS
	root string
}

func (m mountedFS) rel(name string) (string, error) {
	name = filepath.Clean(name)
	if name == m.root {
		return ".", nil
	}
	prefix := m.root + string(filepath.Separator)
	if m.root == string(filepath.Separator) {
		prefix = m.root
	}
	if !strings.HasPrefix(name, prefix) {
		return "", &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return path.Clean(filepath.ToSlash(strings.TrimPrefix(name, prefix))), nil
}

func (m mountedFS) ReadFile(name string) ([]byte, error) {
	r, err := m.rel(name)
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(m.fsys, r)
	return b, fixPath(err, name)
}

func (m mountedFS) Stat(name string) (fs.FileInfo, error) {
	r, err := m.rel(name)
	if err != nil {
		return nil, err
	}
	fi, err := fs.Stat(m.fsys, r)
	return fi, fixPath(err, name)
}

func (m mountedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	r, err := m.rel(name)
	if err != nil {
		return nil, err
	}
	es, err := fs.ReadDir(m.fsys, r)
	return es, fixPath(err, name)
}

// fixPath reports errors with the absolute path the caller asked for.
func fixPath(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

// absIn is p as a clean absolute path, taken relative to dir when it is relative.
func absIn(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

func fileExists(fsys FileSystem, name string) bool {
	fi, err := fsys.Stat(name)
	return err == nil && !fi.IsDir()
}

func dirExists(fsys FileSystem, name string) bool {
	fi, err := fsys.Stat(name)
	return err == nil && fi.IsDir()
}
