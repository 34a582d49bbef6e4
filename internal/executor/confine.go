package executor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// A unit's configuration comes from a pull request, which is untrusted: every file
// olechka writes for a unit (generate blocks, the remote_state backend) must land inside
// the unit's working area. confinedPath resolves p (relative to dir, the folder the tool
// runs in) and refuses a path that leaves root: by "..", by an absolute path, or through
// a symbolic link on the way (a module's own link, or one in .terraform pointing into
// the shared plugin cache).
func confinedPath(root, dir, p string) (string, error) {
	if p == "" {
		return "", errors.New("path is empty")
	}
	path := p
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	path = filepath.Clean(path)
	if !within(root, path) {
		return "", fmt.Errorf("path %q leaves the unit's working directory (files olechka writes for a unit stay inside it)", p)
	}
	// Links: the nearest existing ancestor, resolved, must still be inside root, and the
	// file itself must not be a link.
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	if st, err := os.Lstat(path); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return "", fmt.Errorf("path %q is a symbolic link: refusing to write through it", p)
	}
	for anc := filepath.Dir(path); ; anc = filepath.Dir(anc) {
		real, err := filepath.EvalSymlinks(anc)
		if errors.Is(err, fs.ErrNotExist) {
			if anc == filepath.Dir(anc) {
				break
			}
			continue
		}
		if err != nil {
			return "", err
		}
		if !within(realRoot, real) {
			return "", fmt.Errorf("path %q leaves the unit's working directory through a symbolic link (%s)", p, anc)
		}
		break
	}
	return path, nil
}

// within reports whether path is root or below it (both clean).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// atRange prefixes err with file:line when the range is known.
func atRange(r hcl.Range, err error) error {
	if err == nil || r.Filename == "" {
		return err
	}
	return fmt.Errorf("%s:%d: %w", r.Filename, r.Start.Line, err)
}
