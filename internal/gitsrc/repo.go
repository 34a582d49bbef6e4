// Package gitsrc reads trees straight from git objects: an fs.FS over a commit's tree,
// with no checkout and no worktree. It runs git (rev-parse, merge-base, ls-tree,
// cat-file --batch) under a context. Blob contents are cached by object id, so two
// commits of one repository read each unchanged file once.
package gitsrc

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Repo is a git repository read through the git command.
type Repo struct {
	root   string // absolute top-level folder of the work tree
	format string // object format: "sha1" or "sha256"
	ctx    context.Context

	cacheMu sync.RWMutex
	blobs   map[string][]byte // object id -> content

	batchMu sync.Mutex
	batch   *catFile // a long-running `git cat-file --batch`; nil until needed

	shallowOnce sync.Once
	shallow     bool
}

// Open opens the repository holding dir. ctx bounds every git process the Repo
// starts, including the long-running cat-file; Close stops it.
func Open(ctx context.Context, dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open git repository: %w", err)
	}
	if !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	out, err := git(ctx, abs, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not inside a git work tree: %w", abs, err)
	}
	root := strings.TrimSpace(string(out))
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	r := &Repo{root: root, format: "sha1", ctx: ctx, blobs: map[string][]byte{}}
	if out, err := git(ctx, root, nil, "rev-parse", "--show-object-format"); err == nil {
		if f := strings.TrimSpace(string(out)); f != "" {
			r.format = f
		}
	}
	return r, nil
}

// Root returns the absolute top-level folder of the work tree.
func (r *Repo) Root() string { return r.root }

// ObjectFormat returns the repository's object format, "sha1" or "sha256".
func (r *Repo) ObjectFormat() string { return r.format }

// Close stops the cat-file process, if one runs.
func (r *Repo) Close() error {
	r.batchMu.Lock()
	defer r.batchMu.Unlock()
	if r.batch == nil {
		return nil
	}
	err := r.batch.close()
	r.batch = nil
	return err
}

// RefError is a ref that names no commit of the repository.
type RefError struct {
	Ref     string
	Shallow bool // the repository is a shallow clone, which may lack the commit
}

func (e *RefError) Error() string {
	msg := fmt.Sprintf("unknown git ref %q: it names no commit in this repository", e.Ref)
	if e.Shallow {
		msg += ShallowHint
	}
	return msg
}

// ShallowHint tells how to get the history a shallow clone lacks.
const ShallowHint = "; this is a shallow clone, which may lack it: fetch the full history " +
	"(in GitHub Actions, actions/checkout with `fetch-depth: 0`; locally, `git fetch --unshallow`)"

// Shallow tells whether the repository is a shallow clone.
func (r *Repo) Shallow() bool {
	r.shallowOnce.Do(func() {
		out, err := git(r.ctx, r.root, nil, "rev-parse", "--is-shallow-repository")
		r.shallow = err == nil && strings.TrimSpace(string(out)) == "true"
	})
	return r.shallow
}

// Resolve returns the full object id of the commit ref names. An unknown ref is a
// *RefError.
func (r *Repo) Resolve(ctx context.Context, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return "", &RefError{Ref: ref}
	}
	out, err := git(ctx, r.root, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &RefError{Ref: ref, Shallow: r.Shallow()}
	}
	return strings.TrimSpace(string(out)), nil
}

// HasRef tells whether ref names a commit.
func (r *Repo) HasRef(ctx context.Context, ref string) bool {
	_, err := r.Resolve(ctx, ref)
	return err == nil
}

// MergeBase returns the best common ancestor of commits a and b.
func (r *Repo) MergeBase(ctx context.Context, a, b string) (string, error) {
	out, err := git(ctx, r.root, nil, "merge-base", a, b)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		msg := fmt.Sprintf("no common ancestor of %s and %s", a, b)
		if r.Shallow() {
			msg += ShallowHint
		}
		return "", errors.New(msg)
	}
	return strings.TrimSpace(string(out)), nil
}

// HashBlob returns the object id git gives a blob with content, in the repository's
// object format: comparing it with a tree entry's ID tells whether a file on disk
// matches a commit's.
func (r *Repo) HashBlob(content []byte) string {
	var h hash.Hash
	if r.format == "sha256" {
		h = sha256.New()
	} else {
		h = sha1.New()
	}
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// git runs git in dir and returns its standard output; errors carry its standard error.
func git(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(errb.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %w: %s", args[0], err, msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out.Bytes(), nil
}

// cached returns a blob from the cache.
func (r *Repo) cached(oid string) ([]byte, bool) {
	r.cacheMu.RLock()
	b, ok := r.blobs[oid]
	r.cacheMu.RUnlock()
	return b, ok
}

func (r *Repo) store(oid string, b []byte) {
	r.cacheMu.Lock()
	r.blobs[oid] = b
	r.cacheMu.Unlock()
}

// Blob returns the content of a blob, reading it once.
func (r *Repo) Blob(oid string) ([]byte, error) {
	if b, ok := r.cached(oid); ok {
		return b, nil
	}
	r.batchMu.Lock()
	defer r.batchMu.Unlock()
	if b, ok := r.cached(oid); ok {
		return b, nil
	}
	if r.batch == nil {
		cf, err := startCatFile(r.ctx, r.root)
		if err != nil {
			return nil, err
		}
		r.batch = cf
	}
	b, err := r.batch.get(oid)
	if err != nil {
		// The process may be broken now: start a new one next time.
		r.batch.close()
		r.batch = nil
		return nil, err
	}
	r.store(oid, b)
	return b, nil
}

// Prefetch reads many blobs with one pipelined cat-file, which is much faster than
// one round trip each. Blobs already cached are skipped; missing objects are left out.
func (r *Repo) Prefetch(ctx context.Context, oids []string) error {
	var want []string
	seen := map[string]bool{}
	for _, o := range oids {
		if seen[o] {
			continue
		}
		seen[o] = true
		if _, ok := r.cached(o); !ok {
			want = append(want, o)
		}
	}
	if len(want) == 0 {
		return nil
	}
	cmd := exec.CommandContext(ctx, "git", "cat-file", "--batch")
	cmd.Dir = r.root
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	go func() {
		w := bufio.NewWriter(stdin)
		for _, o := range want {
			w.WriteString(o)
			w.WriteByte('\n')
		}
		w.Flush()
		stdin.Close()
	}()
	br := bufio.NewReaderSize(stdout, 1<<16)
	var readErr error
	for range want {
		oid, b, err := readBatchEntry(br)
		if err != nil {
			readErr = err
			break
		}
		if b != nil {
			r.store(oid, b)
		}
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil && readErr == nil {
		readErr = fmt.Errorf("git cat-file: %w: %s", err, strings.TrimSpace(errb.String()))
	}
	return readErr
}

// readBatchEntry reads one answer of `git cat-file --batch`; a missing object gives
// nil content and no error.
func readBatchEntry(br *bufio.Reader) (string, []byte, error) {
	header, err := br.ReadString('\n')
	if err != nil {
		return "", nil, fmt.Errorf("git cat-file: reading header: %w", err)
	}
	fields := strings.Fields(header)
	if len(fields) == 2 && fields[1] == "missing" {
		return fields[0], nil, nil
	}
	if len(fields) != 3 {
		return "", nil, fmt.Errorf("git cat-file: unexpected header %q", strings.TrimSpace(header))
	}
	size, err := strconv.Atoi(fields[2])
	if err != nil {
		return "", nil, fmt.Errorf("git cat-file: unexpected header %q", strings.TrimSpace(header))
	}
	b := make([]byte, size+1) // content and the newline after it
	if _, err := io.ReadFull(br, b); err != nil {
		return "", nil, fmt.Errorf("git cat-file: reading %s: %w", fields[0], err)
	}
	return fields[0], b[:size], nil
}

// catFile is a long-running `git cat-file --batch`.
type catFile struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	errb  *bytes.Buffer
}

func startCatFile(ctx context.Context, dir string) (*catFile, error) {
	cmd := exec.CommandContext(ctx, "git", "cat-file", "--batch")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errb := &bytes.Buffer{}
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return &catFile{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<16), errb: errb}, nil
}

func (c *catFile) get(oid string) ([]byte, error) {
	if _, err := io.WriteString(c.stdin, oid+"\n"); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	_, b, err := readBatchEntry(c.out)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("git object %s is missing from the repository", oid)
	}
	return b, nil
}

func (c *catFile) close() error {
	c.stdin.Close()
	err := c.cmd.Wait()
	if err != nil && c.cmd.ProcessState != nil && c.cmd.ProcessState.Exited() {
		return fmt.Errorf("git cat-file: %w: %s", err, strings.TrimSpace(c.errb.String()))
	}
	return nil
}
