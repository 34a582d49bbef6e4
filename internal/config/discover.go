package config

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// UnitFile is the file that makes a folder a unit.
const UnitFile = "terragrunt.hcl"

// ExcludesFile lists, one a line, unit paths (relative to the root, globs allowed)
// that Discover leaves out, as Terragrunt's default --queue-excludes-file does.
const ExcludesFile = ".terragrunt-excludes"

// skippedDirs are folders never searched for units: those Terragrunt skips (.git,
// .terraform, .terragrunt-cache) and olechka's own work folder, which holds copies of
// trees (a base commit's tree for destroy plans).
var skippedDirs = map[string]bool{".git": true, ".terraform": true, ".terragrunt-cache": true, ".olechka": true}

// Discover returns the unit folders under root (folders holding terragrunt.hcl), sorted.
// Like Terragrunt it searches hidden folders but not .git, .terraform and
// .terragrunt-cache (nor olechka's .olechka), and leaves out the units that root's
// .terragrunt-excludes names. Files that are only included (root.hcl,
// _envcommon/*.hcl, account.hcl, env.hcl, region.hcl) are not units since they are
// not named terragrunt.hcl.
func Discover(fsys FileSystem, root string) ([]string, error) {
	if fsys == nil {
		fsys = OSFileSystem{}
	}
	root = filepath.Clean(root)
	if !dirExists(fsys, root) {
		return nil, fmt.Errorf("discover units: %s is not a folder", root)
	}
	var units []string
	var walk func(dir string) error
	walk = func(dir string) error {
		entries, err := fsys.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("discover units: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() {
				if skippedDirs[name] {
					continue
				}
				if err := walk(filepath.Join(dir, name)); err != nil {
					return err
				}
				continue
			}
			if name == UnitFile {
				units = append(units, dir)
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return nil, err
	}
	excludes, err := readExcludes(fsys, filepath.Join(root, ExcludesFile))
	if err != nil {
		return nil, err
	}
	if len(excludes) > 0 {
		kept := units[:0]
		for _, u := range units {
			if !excluded(excludes, RelPath(root, u)) {
				kept = append(kept, u)
			}
		}
		units = kept
	}
	sort.Strings(units)
	return units, nil
}

// readExcludes reads an excludes file: a path or glob a line, blank lines and lines
// starting with # ignored. A missing file excludes nothing.
func readExcludes(fsys FileSystem, p string) ([]string, error) {
	if !fileExists(fsys, p) {
		return nil, nil
	}
	b, err := fsys.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("discover units: %w", err)
	}
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, filepath.ToSlash(filepath.Clean(line)))
	}
	return out, nil
}

// excluded tells whether a unit path matches an exclude: the path itself, a glob
// (path.Match per segment), or a pattern ending in /** for everything below it.
func excluded(excludes []string, rel string) bool {
	for _, x := range excludes {
		if x == rel {
			return true
		}
		if base, ok := strings.CutSuffix(x, "/**"); ok && (rel == base || strings.HasPrefix(rel, base+"/")) {
			return true
		}
		if ok, _ := path.Match(x, rel); ok {
			return true
		}
	}
	return false
}

// RelPath returns dir relative to root with forward slashes ("." for root itself).
func RelPath(root, dir string) string {
	r, err := filepath.Rel(root, dir)
	if err != nil {
		return filepath.ToSlash(dir)
	}
	return filepath.ToSlash(r)
}
