package artifact

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// DigestsFile records, at plan time, the SHA-256 of every file of a unit's artifact
// that apply acts on or review reads. The review job copies the digests into
// review.json; apply refuses a plan whose files differ from what was reviewed.
const DigestsFile = "digests.json"

// DigestedFiles are the files a unit's digests cover, when present: the binary plan
// apply runs, the JSON policy and review read, the metadata apply's checks use, the
// summary the gates use and the provider locks apply restores.
var DigestedFiles = []string{PlanFile, PlanJSONFile, MetadataFile, SummaryFile, LockFile}

// Digests are the digests of one unit's artifact files.
type Digests struct {
	Version int    `json:"version"`
	Unit    string `json:"unit"`
	// Files maps a file name to "sha256:<hex>"; a file that does not exist is absent.
	Files map[string]string `json:"files"`
}

// ComputeDigests hashes the files of the unit's artifact folder dir as they are now.
func ComputeDigests(dir, unit string) (*Digests, error) {
	d := &Digests{Version: FormatVersion, Unit: unit, Files: map[string]string{}}
	for _, name := range DigestedFiles {
		sum, err := fileDigest(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		d.Files[name] = sum
	}
	return d, nil
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// WriteDigests records the digests of the unit's artifact files in dir/digests.json.
func WriteDigests(dir, unit string) error {
	d, err := ComputeDigests(dir, unit)
	if err != nil {
		return err
	}
	return WriteJSON(filepath.Join(dir, DigestsFile), d)
}

// ReadDigests reads dir/digests.json.
func ReadDigests(dir string) (*Digests, error) {
	var d Digests
	if err := readJSON(filepath.Join(dir, DigestsFile), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Diff names every way now differs from d (the record): the unit, each file whose
// digest changed, appeared or disappeared. Empty means identical.
func (d *Digests) Diff(now *Digests) []string {
	var out []string
	if d.Unit != now.Unit {
		out = append(out, fmt.Sprintf("unit: the record is for %s, the artifact is for %s", d.Unit, now.Unit))
	}
	names := map[string]bool{}
	for n := range d.Files {
		names[n] = true
	}
	for n := range now.Files {
		names[n] = true
	}
	keys := make([]string, 0, len(names))
	for n := range names {
		keys = append(keys, n)
	}
	sort.Strings(keys)
	for _, n := range keys {
		a, inA := d.Files[n]
		b, inB := now.Files[n]
		switch {
		case inA && inB && a == b:
		case !inB:
			out = append(out, fmt.Sprintf("%s: recorded (%s) but missing", n, shortDigest(a)))
		case !inA:
			out = append(out, fmt.Sprintf("%s: present (%s) but not recorded", n, shortDigest(b)))
		default:
			out = append(out, fmt.Sprintf("%s: digest %s, recorded %s", n, shortDigest(b), shortDigest(a)))
		}
	}
	return out
}

func shortDigest(s string) string {
	if len(s) > 19 {
		return s[:19] + "…"
	}
	return s
}

// Check compares a plan's folder with what its plan recorded: the unit the folder
// sits at (when ReadDir found it) must be the unit the metadata names, and the files
// must have the digests recorded at plan time. It returns the problems found, each
// naming what differs, and the digests of the files as they are now.
func (p *Plan) Check() ([]string, *Digests, error) {
	var out []string
	m := p.Metadata
	if p.Path != "" && p.Path != m.Unit {
		out = append(out, fmt.Sprintf("the plan under %s/%s is a plan for unit %s", UnitsDir, p.Path, m.Unit))
	}
	now, err := ComputeDigests(p.Dir, m.Unit)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case p.Digests == nil:
		out = append(out, "no digests were recorded at plan time ("+DigestsFile+" is missing)")
	default:
		for _, d := range p.Digests.Diff(now) {
			out = append(out, "changed since planned: "+d)
		}
	}
	return out, now, nil
}
