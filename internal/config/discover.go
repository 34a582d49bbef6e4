package config

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// UnitFile is the file that makes a folder a unit.
const UnitFile = "terragrunt.hcl"

// Discover returns the unit folders under root (folders holding terragrunt.hcl), sorted.
// It skips .terragrunt-cache and hidden folders. Files that are only included
// (root.hcl, _envcommon/*.hcl, account.hcl, env.hcl, region.hcl) are not units since
// they are not named terragrunt.hcl.
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
				if strings.HasPrefix(name, ".") || name == "node_modules" {
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
	sort.Strings(units)
	return units, nil
}

// RelPath returns dir relative to root with forward slashes ("." for root itself).
func RelPath(root, dir string) string {
	r, err := filepath.Rel(root, dir)
	if err != nil {
		return filepath.ToSlash(dir)
	}
	return filepath.ToSlash(r)
}
