package gitsrc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Git tree entry modes.
const (
	modeTree    = 0o040000
	modeSymlink = 0o120000
	modeGitlink = 0o160000
	modeExec    = 0o100755
)

// Entry is one entry of a commit's tree.
type Entry struct {
	Path string // slash-separated, relative to the repository root
	Mode uint32 // git mode: 040000 tree, 100644/100755 file, 120000 symlink, 160000 submodule
	ID   string // object id
}

// IsDir tells whether the entry is a folder (a tree, or a submodule, which reads as an
// empty folder).
func (e Entry) IsDir() bool { return e.Mode == modeTree || e.Mode == modeGitlink }

// Tree is a commit's tree as a read-only fs.FS: no checkout, no worktree. It
// implements fs.ReadFileFS, fs.StatFS and fs.ReadDirFS; symbolic links inside the
// tree are followed. It is safe for concurrent use.
type Tree struct {
	repo    *Repo
	commit  string
	entries map[string]*Entry   // path -> entry; "." is the root
	kids    map[string][]string // folder path -> child names, sorted
}

// Tree lists the tree of commit (any ref naming a commit) with one `git ls-tree`.
// Contents are read when first needed.
func (r *Repo) Tree(ctx context.Context, commit string) (*Tree, error) {
	out, err := git(ctx, r.root, nil, "ls-tree", "-r", "-t", "-z", "--full-tree", commit)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := fmt.Sprintf("read the tree of %s: %v", commit, err)
		if r.Shallow() {
			msg += ShallowHint
		}
		return nil, fmt.Errorf("%s", msg)
	}
	t := &Tree{
		repo:    r,
		commit:  commit,
		entries: map[string]*Entry{".": {Path: ".", Mode: modeTree}},
		kids:    map[string][]string{},
	}
	for len(out) > 0 {
		i := bytes.IndexByte(out, 0)
		if i < 0 {
			i = len(out)
		}
		rec := out[:i]
		out = out[min(i+1, len(out)):]
		// <mode> SP <type> SP <object> TAB <path>
		tab := bytes.IndexByte(rec, '\t')
		if tab < 0 {
			return nil, fmt.Errorf("git ls-tree: unexpected line %q", rec)
		}
		meta := strings.Fields(string(rec[:tab]))
		if len(meta) != 3 {
			return nil, fmt.Errorf("git ls-tree: unexpected line %q", rec)
		}
		mode, err := strconv.ParseUint(meta[0], 8, 32)
		if err != nil {
			return nil, fmt.Errorf("git ls-tree: unexpected mode in %q", rec)
		}
		p := string(rec[tab+1:])
		t.entries[p] = &Entry{Path: p, Mode: uint32(mode), ID: meta[2]}
		dir, name := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			dir = "."
		}
		t.kids[dir] = append(t.kids[dir], name)
	}
	for _, names := range t.kids {
		sort.Strings(names)
	}
	return t, nil
}

// Commit returns the commit the tree was listed from, as given.
func (t *Tree) Commit() string { return t.commit }

// Repo returns the repository the tree belongs to.
func (t *Tree) Repo() *Repo { return t.repo }

// Entries returns every entry that is not a folder (files, symbolic links,
// submodules), sorted by path.
func (t *Tree) Entries() []Entry {
	var out []Entry
	for _, e := range t.entries {
		if e.Mode != modeTree {
			out = append(out, *e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Lookup returns the entry at name, following symbolic links (the final one too).
func (t *Tree) Lookup(name string) (Entry, error) {
	e, err := t.resolve("lookup", name)
	if err != nil {
		return Entry{}, err
	}
	return *e, nil
}

const maxLinks = 40

// resolve finds the entry at name, following symbolic links in every component.
func (t *Tree) resolve(op, name string) (*Entry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if e, ok := t.entries[name]; ok && e.Mode != modeSymlink {
		return e, nil // the common case: no link on the way
	}
	links := 0
	parts := strings.Split(name, "/")
	cur := "."
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		var next string
		switch p {
		case ".", "":
			continue
		case "..":
			if cur == "." {
				return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist} // leaves the repository
			}
			next = path.Dir(cur)
			cur = next
			continue
		}
		if cur == "." {
			next = p
		} else {
			next = cur + "/" + p
		}
		e, ok := t.entries[next]
		if !ok {
			return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		if e.Mode == modeSymlink {
			links++
			if links > maxLinks {
				return nil, &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("too many levels of symbolic links")}
			}
			target, err := t.repo.Blob(e.ID)
			if err != nil {
				return nil, &fs.PathError{Op: op, Path: name, Err: err}
			}
			tg := string(target)
			if strings.HasPrefix(tg, "/") {
				return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist} // points outside the tree
			}
			rest := append(strings.Split(tg, "/"), parts[i+1:]...)
			parts = rest
			i = -1
			continue
		}
		if i < len(parts)-1 && !e.IsDir() {
			return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		cur = next
	}
	return t.entries[cur], nil
}

// ReadFile implements fs.ReadFileFS.
func (t *Tree) ReadFile(name string) ([]byte, error) {
	e, err := t.resolve("read", name)
	if err != nil {
		return nil, err
	}
	if e.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("is a directory")}
	}
	b, err := t.repo.Blob(e.ID)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	out := make([]byte, len(b))
	copy(out, b)
	return out, nil
}

// Stat implements fs.StatFS.
func (t *Tree) Stat(name string) (fs.FileInfo, error) {
	e, err := t.resolve("stat", name)
	if err != nil {
		return nil, err
	}
	return &fileInfo{t: t, e: e, name: base(name)}, nil
}

// Lstat implements fs.ReadLinkFS: like Stat, but a final symbolic link is not followed.
func (t *Tree) Lstat(name string) (fs.FileInfo, error) {
	e, err := t.lstat("lstat", name)
	if err != nil {
		return nil, err
	}
	return &fileInfo{t: t, e: e, name: base(name)}, nil
}

// ReadLink implements fs.ReadLinkFS.
func (t *Tree) ReadLink(name string) (string, error) {
	e, err := t.lstat("readlink", name)
	if err != nil {
		return "", err
	}
	if e.Mode != modeSymlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	b, err := t.repo.Blob(e.ID)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	return string(b), nil
}

func (t *Tree) lstat(op, name string) (*Entry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return t.entries["."], nil
	}
	dir, err := t.resolve(op, path.Dir(name))
	if err != nil {
		return nil, err
	}
	p := path.Base(name)
	if dir.Path != "." {
		p = dir.Path + "/" + p
	}
	e, ok := t.entries[p]
	if !ok {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

// ReadDir implements fs.ReadDirFS: entries sorted by name; symbolic links are listed
// as links, as os.ReadDir does.
func (t *Tree) ReadDir(name string) ([]fs.DirEntry, error) {
	e, err := t.resolve("readdir", name)
	if err != nil {
		return nil, err
	}
	if !e.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fmt.Errorf("not a directory")}
	}
	names := t.kids[e.Path]
	out := make([]fs.DirEntry, 0, len(names))
	for _, n := range names {
		p := n
		if e.Path != "." {
			p = e.Path + "/" + n
		}
		out = append(out, fs.FileInfoToDirEntry(&fileInfo{t: t, e: t.entries[p], name: n}))
	}
	return out, nil
}

// Open implements fs.FS.
func (t *Tree) Open(name string) (fs.File, error) {
	e, err := t.resolve("open", name)
	if err != nil {
		return nil, err
	}
	fi := &fileInfo{t: t, e: e, name: base(name)}
	if e.IsDir() {
		entries, err := t.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &openDir{fi: fi, entries: entries}, nil
	}
	b, err := t.repo.Blob(e.ID)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &openFile{fi: fi, r: bytes.NewReader(b)}, nil
}

func base(name string) string {
	if name == "." {
		return "."
	}
	return path.Base(name)
}

type fileInfo struct {
	t    *Tree
	e    *Entry
	name string
}

func (fi *fileInfo) Name() string { return fi.name }

// Size reads the blob to know it (ls-tree does not say, and the evaluator never asks).
func (fi *fileInfo) Size() int64 {
	if fi.e.IsDir() {
		return 0
	}
	b, err := fi.t.repo.Blob(fi.e.ID)
	if err != nil {
		return 0
	}
	return int64(len(b))
}

func (fi *fileInfo) Mode() fs.FileMode {
	switch fi.e.Mode {
	case modeTree, modeGitlink:
		return fs.ModeDir | 0o555
	case modeSymlink:
		return fs.ModeSymlink | 0o777
	case modeExec:
		return 0o555
	}
	return 0o444
}

func (fi *fileInfo) ModTime() time.Time { return time.Time{} }
func (fi *fileInfo) IsDir() bool        { return fi.e.IsDir() }
func (fi *fileInfo) Sys() any           { return *fi.e }

type openFile struct {
	fi *fileInfo
	r  *bytes.Reader
}

func (f *openFile) Stat() (fs.FileInfo, error)                { return f.fi, nil }
func (f *openFile) Read(p []byte) (int, error)                { return f.r.Read(p) }
func (f *openFile) ReadAt(p []byte, off int64) (int, error)   { return f.r.ReadAt(p, off) }
func (f *openFile) Seek(off int64, whence int) (int64, error) { return f.r.Seek(off, whence) }
func (f *openFile) Close() error                              { return nil }

type openDir struct {
	fi      *fileInfo
	entries []fs.DirEntry
	off     int
}

func (d *openDir) Stat() (fs.FileInfo, error) { return d.fi, nil }
func (d *openDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.fi.name, Err: fmt.Errorf("is a directory")}
}
func (d *openDir) Close() error { return nil }

func (d *openDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}

// ChangeKind says how a path differs between two trees.
type ChangeKind int

// The kinds of change.
const (
	Added ChangeKind = iota + 1
	Deleted
	Modified
)

func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Deleted:
		return "deleted"
	case Modified:
		return "modified"
	}
	return "unknown"
}

// Change is a path whose entry differs between two trees.
type Change struct {
	Path string
	Kind ChangeKind
}

// Diff compares two trees' files, symbolic links and submodules (object id and mode),
// sorted by path; folders only change through their content.
func Diff(a, b *Tree) []Change {
	var out []Change
	for p, ea := range a.entries {
		if ea.Mode == modeTree {
			continue
		}
		eb, ok := b.entries[p]
		switch {
		case !ok || eb.Mode == modeTree:
			out = append(out, Change{Path: p, Kind: Deleted})
		case eb.ID != ea.ID || eb.Mode != ea.Mode:
			out = append(out, Change{Path: p, Kind: Modified})
		}
	}
	for p, eb := range b.entries {
		if eb.Mode == modeTree {
			continue
		}
		if ea, ok := a.entries[p]; !ok || ea.Mode == modeTree {
			out = append(out, Change{Path: p, Kind: Added})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
