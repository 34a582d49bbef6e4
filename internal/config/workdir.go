package config

import (
	"crypto/sha1" //nolint:gosec // Terragrunt's cache folder names are SHA-1 digests; not a security use
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/gobwas/glob"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// workingDir answers get_working_dir: the folder OpenTofu runs in for the unit.
// With Options.WorkRoot (olechka's executor) that is WorkRoot/UNIT/src plus the
// source's "//" subfolder; otherwise Terragrunt's: the unit's
// .terragrunt-cache/HASH(unit folder)/HASH(source)/subfolder, which is what
// `terragrunt render` prints.
func (s *scope) workingDir() (string, error) {
	*s.dependent = true
	if s.u.noWorkingDir {
		// Evaluating the source for get_working_dir: "", as in Terragrunt.
		return "", nil
	}
	source, err := s.unitSource()
	if err != nil {
		return "", err
	}
	return s.u.e.workingDir(s.u.dir, s.u.path, source), nil
}

// workingDir is the folder OpenTofu runs in for the unit in folder dir (path relative
// to the tree root) whose terraform.source is source ("." when it has none).
func (e *Evaluator) workingDir(dir, path, source string) string {
	if root := e.opts.WorkRoot; root != "" {
		unit := filepath.ToSlash(path)
		if unit == "" || unit == "." {
			unit = "_root"
		}
		wd := filepath.Join(root, filepath.FromSlash(unit), "src")
		if _, sub := splitSubdir(source); sub != "" {
			wd = filepath.Join(wd, filepath.FromSlash(sub))
		}
		return wd
	}
	return terragruntWorkingDir(dir, source)
}

// unitSource evaluates the unit's terraform.source (with its includes) the way
// Terragrunt does for get_working_dir: with get_working_dir itself "".
func (s *scope) unitSource() (string, error) {
	sub := s.u.fork()
	sub.noWorkingDir = true
	cfg, _, diags := sub.evalConfigFile(filepath.Join(s.u.dir, UnitFile), s.u.dir, nil)
	if diags.HasErrors() {
		return "", fmt.Errorf("get_working_dir: evaluating the unit's terraform.source: %s", diagsString(diags))
	}
	if cfg.Terraform == nil || !cfg.Terraform.SourceSet {
		return ".", nil
	}
	return cfg.Terraform.Source, nil
}

// scpLike matches an scp-style git address, USER@HOST:PATH.
var scpLike = regexp.MustCompile(`^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):([^/].*)$`)

// forcedGetter matches a go-getter prefix such as "git::".
var forcedGetter = regexp.MustCompile(`^([A-Za-z0-9]+)::(.+)$`)

// splitSubdir splits a module source at its "//" (after any scheme): the root and
// the subfolder.
func splitSubdir(source string) (root, sub string) {
	rest := source
	prefix := ""
	if m := forcedGetter.FindStringSubmatch(rest); m != nil {
		prefix, rest = m[1]+"::", m[2]
	}
	if i := strings.Index(rest, "://"); i >= 0 {
		prefix += rest[:i+3]
		rest = rest[i+3:]
	}
	q := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, q = rest[:i], rest[i:]
	}
	if i := strings.Index(rest, "//"); i >= 0 {
		return prefix + rest[:i] + q, rest[i+2:]
	}
	return source, ""
}

// terragruntWorkingDir is Terragrunt's working folder for a unit in dir whose
// module source is source ("." when it has none).
func terragruntWorkingDir(dir, source string) string {
	root, sub := splitSubdir(source)
	return filepath.Join(dir, ".terragrunt-cache", base64SHA1(filepath.Clean(dir)), base64SHA1(canonicalSource(dir, root)), filepath.FromSlash(sub))
}

// canonicalSource is the URL Terragrunt names a source's download folder after: a
// local path as a file:// URL of its absolute, cleaned path; a GitHub shorthand as
// its git::https URL; anything else as written, without its query.
func canonicalSource(dir, root string) string {
	for _, host := range []string{"github.com/", "gitlab.com/"} {
		// Terragrunt strips the scheme where go-getter's GitHub and GitLab
		// detectors recognise the rest.
		for _, scheme := range []string{"https://", "http://"} {
			if strings.HasPrefix(root, scheme+host) {
				root = strings.TrimPrefix(root, scheme)
			}
		}
	}
	if m := scpLike.FindStringSubmatch(root); m != nil {
		// go-getter's git detector: git@HOST:PATH -> git::ssh://git@HOST/PATH.
		return "git::ssh://" + m[1] + "@" + m[2] + "/" + strings.SplitN(m[3], "?", 2)[0]
	}
	switch {
	case isLocalSource(root) || (!strings.Contains(root, "://") && !strings.Contains(root, "::") &&
		!strings.HasPrefix(root, "github.com/") && !strings.HasPrefix(root, "gitlab.com/")):
		p := strings.SplitN(strings.TrimPrefix(root, "file://"), "?", 2)[0]
		return "file://" + filepath.ToSlash(absIn(dir, p))
	case strings.HasPrefix(root, "github.com/") || strings.HasPrefix(root, "gitlab.com/"):
		// go-getter's GitHub (GitLab) detector: github.com/OWNER/REPO ->
		// git::https://github.com/OWNER/REPO.git
		u := strings.SplitN(strings.SplitN(root, "?", 2)[0], "/", 4)
		if len(u) >= 3 {
			s := "git::https://" + u[0] + "/" + u[1] + "/" + strings.TrimSuffix(u[2], ".git") + ".git"
			if len(u) == 4 {
				s += "/" + u[3]
			}
			return s
		}
	}
	prefix, rest := "", root
	if m := forcedGetter.FindStringSubmatch(rest); m != nil {
		prefix, rest = m[1]+"::", m[2]
	}
	if u, err := url.Parse(rest); err == nil {
		u.RawQuery = ""
		return prefix + u.String()
	}
	return root
}

func base64SHA1(s string) string {
	h := sha1.Sum([]byte(s)) //nolint:gosec // see the import
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// markGlobAsReadFunc is Terragrunt's mark_glob_as_read(PATTERN): every file under the
// unit's folder matching the glob ("/"-separated; "*" within a segment, "**" across
// segments, {a,b} alternatives) is marked as read; it returns their absolute paths.
// The walk stays inside the repository (Options.RepoRoot or the git root above the
// unit) unless a first argument "--terragrunt-boundary=DIR" moves the boundary.
func (s *scope) markGlobAsReadFunc() function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.String},
		Type:     function.StaticReturnType(cty.List(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			var strs []string
			for _, a := range args {
				strs = append(strs, a.AsString())
			}
			files, err := s.markGlobAsRead(strs)
			if err != nil {
				return cty.NilVal, err
			}
			return ctyStrings(files), nil
		},
	})
}

const boundaryFlag = "--terragrunt-boundary"

func (s *scope) markGlobAsRead(args []string) ([]string, error) {
	boundary := ""
	if len(args) > 0 && strings.HasPrefix(args[0], boundaryFlag) {
		switch {
		case args[0] == boundaryFlag && len(args) >= 2:
			boundary, args = args[1], args[2:]
		case strings.HasPrefix(args[0], boundaryFlag+"="):
			boundary, args = strings.TrimPrefix(args[0], boundaryFlag+"="), args[1:]
		default:
			return nil, fmt.Errorf("mark_glob_as_read: %s needs a folder (%s=DIR)", boundaryFlag, boundaryFlag)
		}
		if boundary == "" {
			return nil, fmt.Errorf("mark_glob_as_read: %s needs a non-empty folder", boundaryFlag)
		}
		boundary = s.abs(boundary)
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("mark_glob_as_read takes one pattern (after an optional %s), not %d arguments", boundaryFlag, len(args))
	}
	if boundary == "" {
		if r, err := s.repoRoot(); err == nil {
			boundary = r
		}
	}
	raw := args[0]
	pattern := raw
	if !filepath.IsAbs(filepath.FromSlash(raw)) {
		pattern = filepath.ToSlash(s.terragruntDir) + "/" + raw
	}
	pattern = path.Clean(pattern)
	base, hasMeta := globBase(pattern)
	if boundary != "" && !within(boundary, base) {
		return nil, fmt.Errorf("mark_glob_as_read pattern %q resolves outside the boundary %q; widen the boundary by passing %s=DIR as the first argument", raw, boundary, boundaryFlag)
	}
	fsys := s.u.e.opts.FS
	if !hasMeta {
		if fileExists(fsys, base) {
			s.u.read(base)
			return []string{base}, nil
		}
		return nil, nil
	}
	g, err := glob.Compile(pattern, '/')
	if err != nil {
		return nil, fmt.Errorf("mark_glob_as_read: pattern %q: %w", raw, err)
	}
	var out []string
	var walk func(dir string, depth int)
	walk = func(dir string, depth int) {
		if depth > 64 || s.u.ctx.Err() != nil {
			return
		}
		entries, err := fsys.ReadDir(dir)
		if err != nil {
			return
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, ent := range entries {
			p := filepath.Join(dir, ent.Name())
			if ent.IsDir() {
				walk(p, depth+1)
				continue
			}
			if ent.Type()&fs.ModeType != 0 && ent.Type()&fs.ModeSymlink == 0 {
				continue
			}
			if g.Match(filepath.ToSlash(p)) {
				out = append(out, p)
			}
		}
	}
	walk(base, 0)
	for _, f := range out {
		s.u.read(f)
	}
	return out, nil
}

// globBase is the folder a glob's walk starts from: the pattern up to the last "/"
// before its first metacharacter; hasMeta is false for a plain path.
func globBase(pattern string) (string, bool) {
	i := strings.IndexAny(pattern, "*?[{\\")
	if i < 0 {
		return filepath.FromSlash(pattern), false
	}
	prefix := pattern[:i]
	if j := strings.LastIndex(prefix, "/"); j >= 0 {
		prefix = prefix[:j]
	} else {
		prefix = "."
	}
	if prefix == "" {
		prefix = "/"
	}
	return filepath.FromSlash(prefix), true
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
