package detect

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/terragrunt-olechka/olechka/internal/config"
	"github.com/terragrunt-olechka/olechka/internal/gitsrc"
)

// side is one of the two trees compared: a commit read from git objects, or the
// working tree on disk. Paths outside the repository read the machine's file system
// on both sides, so they never differ.
type side struct {
	name string // commit id, or WorkingTree
	repo *gitsrc.Repo
	tree *gitsrc.Tree // nil: the working tree
	fs   config.FileSystem
}

func gitSide(repo *gitsrc.Repo, tree *gitsrc.Tree, name string) *side {
	return &side{
		name: name,
		repo: repo,
		tree: tree,
		fs:   overlay{tree: config.FromFS(tree, repo.Root()), root: repo.Root()},
	}
}

func workingSide(repo *gitsrc.Repo) *side {
	return &side{name: WorkingTree, repo: repo, fs: config.OSFileSystem{}}
}

// overlay reads the repository from a git tree and anything outside it from disk.
type overlay struct {
	tree config.FileSystem
	root string
}

func (o overlay) in(name string) bool {
	name = filepath.Clean(name)
	return name == o.root || strings.HasPrefix(name, o.root+string(filepath.Separator))
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if o.in(name) {
		return o.tree.ReadFile(name)
	}
	return os.ReadFile(name)
}

func (o overlay) Stat(name string) (fs.FileInfo, error) {
	if o.in(name) {
		return o.tree.Stat(name)
	}
	return os.Stat(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	if o.in(name) {
		return o.tree.ReadDir(name)
	}
	return os.ReadDir(name)
}

// inRepo returns name relative to the repository root, or false when it is outside.
func (s *side) inRepo(name string) (string, bool) {
	root := s.repo.Root()
	name = filepath.Clean(name)
	if name == root {
		return ".", true
	}
	if !strings.HasPrefix(name, root+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(name[len(root)+1:]), true
}

// What an evaluation asked of the file system about one path.
const (
	askRead uint8 = 1 << iota
	askStat
	askList
)

// recorder notes every path the evaluator reads, stats or lists, so that the answers
// can be compared with the other side's afterwards.
type recorder struct {
	inner config.FileSystem
	mu    sync.Mutex
	asked map[string]uint8
}

func newRecorder(inner config.FileSystem) *recorder {
	return &recorder{inner: inner, asked: map[string]uint8{}}
}

func (r *recorder) note(name string, k uint8) {
	name = filepath.Clean(name)
	r.mu.Lock()
	r.asked[name] |= k
	r.mu.Unlock()
}

func (r *recorder) ReadFile(name string) ([]byte, error) {
	r.note(name, askRead)
	return r.inner.ReadFile(name)
}

func (r *recorder) Stat(name string) (fs.FileInfo, error) {
	r.note(name, askStat)
	return r.inner.Stat(name)
}

func (r *recorder) ReadDir(name string) ([]fs.DirEntry, error) {
	r.note(name, askList)
	return r.inner.ReadDir(name)
}

// Kinds of file system answer.
const (
	missing = iota
	isFile
	isDir
)

// lookup answers what is at name: missing, a file (with its blob id) or a folder.
func (s *side) lookup(name string) (kind int, id string) {
	if s.tree != nil {
		rel, ok := s.inRepo(name)
		if !ok {
			return missing, ""
		}
		e, err := s.tree.Lookup(rel)
		switch {
		case err != nil:
			return missing, ""
		case e.IsDir():
			return isDir, ""
		}
		return isFile, e.ID
	}
	st, err := os.Stat(name)
	switch {
	case err != nil:
		return missing, ""
	case st.IsDir():
		return isDir, ""
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return missing, ""
	}
	return isFile, s.repo.HashBlob(b)
}

// listing answers a folder listing: child names, folders marked with a slash.
func (s *side) listing(name string) (string, bool) {
	entries, err := s.fs.ReadDir(name)
	if err != nil {
		return "", false
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, "\x00"), true
}

// discover lists the unit folders under root on a side; a root that does not exist
// there has none.
func (s *side) discover(root string) ([]string, error) {
	if !isFolder(s.fs, root) {
		return nil, nil
	}
	return config.Discover(s.fs, root)
}

// prefetch reads, in one pipelined git call, the blobs of the given paths (absolute).
func (s *side) prefetch(ctx context.Context, paths []string) {
	if s.tree == nil {
		return
	}
	var ids []string
	for _, p := range paths {
		rel, ok := s.inRepo(p)
		if !ok {
			continue
		}
		if e, err := s.tree.Lookup(rel); err == nil && !e.IsDir() {
			ids = append(ids, e.ID)
		}
	}
	// A failed prefetch only costs speed: files are read one by one instead.
	_ = s.repo.Prefetch(ctx, ids)
}

// configFiles returns the .hcl files under root and in the folders above it up to the
// repository root: what evaluating the units under root reads first.
func (s *side) configFiles(root string) []string {
	if s.tree == nil {
		return nil
	}
	rel, ok := s.inRepo(root)
	if !ok {
		return nil
	}
	ancestors := map[string]bool{".": true}
	for d := rel; d != "." && d != "/"; d = filepath.ToSlash(filepath.Dir(d)) {
		ancestors[d] = true
	}
	var out []string
	for _, e := range s.tree.Entries() {
		if !strings.HasSuffix(e.Path, ".hcl") {
			continue
		}
		dir := filepath.ToSlash(filepath.Dir(e.Path))
		if rel == "." || strings.HasPrefix(e.Path, rel+"/") || ancestors[dir] {
			out = append(out, filepath.Join(s.repo.Root(), filepath.FromSlash(e.Path)))
		}
	}
	return out
}
