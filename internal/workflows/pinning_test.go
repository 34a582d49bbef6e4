package workflows

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

// This file checks that nothing the workflows and action.yml run can change under them:
// every action and reusable workflow from another repository is pinned to a full commit
// SHA, and every container image to a digest (docs/pipeline.md#pinning).

var (
	imageRef    = regexp.MustCompile(`\b(?:ghcr\.io|docker\.io|quay\.io|gcr\.io|public\.ecr\.aws|registry\.[a-z0-9.-]+|[a-z0-9-]+\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com)/[A-Za-z0-9._/-]+(?::[A-Za-z0-9._-]+)?(?:@sha256:[0-9a-f]+)?`)
	digestRef   = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
	dockerUses  = regexp.MustCompile(`^docker://`)
	remoteUses  = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@([0-9a-f]{40})$`)
	anyUsesLine = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)`)
)

// pinProblems lists every unpinned action, reusable workflow or container image in one
// workflow or action file, as "name:line: problem".
func pinProblems(name string, raw []byte) []string {
	var out []string
	for i, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if m := anyUsesLine.FindStringSubmatch(line); m != nil {
			ref := m[1]
			switch {
			case strings.HasPrefix(ref, "./"):
				// this repository's own action or workflow, at the same commit
			case dockerUses.MatchString(ref):
				if !digestRef.MatchString(ref) {
					out = append(out, fmt.Sprintf("%s:%d: %s: a container action must be pinned by digest (@sha256:...)", name, i+1, ref))
				}
			case !remoteUses.MatchString(ref):
				out = append(out, fmt.Sprintf("%s:%d: %s is not pinned to a full commit SHA", name, i+1, ref))
			}
			continue
		}
		code := line
		if j := strings.Index(code, " #"); j >= 0 {
			code = code[:j] // a comment may name a tag
		}
		for _, img := range imageRef.FindAllString(code, -1) {
			if !digestRef.MatchString(img) {
				out = append(out, fmt.Sprintf("%s:%d: image %s is not pinned by digest (@sha256:<64 hex>)", name, i+1, img))
			}
		}
	}
	// container: and services: images, wherever YAML puts them (a string or {image: ...}).
	var doc struct {
		Jobs map[string]struct {
			Container any `yaml:"container"`
			Services  map[string]struct {
				Image string `yaml:"image"`
			} `yaml:"services"`
		} `yaml:"jobs"`
		Runs struct {
			Using string `yaml:"using"`
			Image string `yaml:"image"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return append(out, fmt.Sprintf("%s: %v", name, err))
	}
	check := func(where, img string) {
		if img != "" && !strings.Contains(img, "${{") && !digestRef.MatchString(strings.TrimPrefix(img, "docker://")) {
			out = append(out, fmt.Sprintf("%s: %s image %s is not pinned by digest", name, where, img))
		}
	}
	for id, j := range doc.Jobs {
		switch c := j.Container.(type) {
		case string:
			check("job "+id+" container", c)
		case map[string]any:
			if s, ok := c["image"].(string); ok {
				check("job "+id+" container", s)
			}
		}
		for sid, s := range j.Services {
			check("job "+id+" service "+sid, s.Image)
		}
	}
	if doc.Runs.Using == "docker" && doc.Runs.Image != "Dockerfile" {
		check("runs", doc.Runs.Image)
	}
	return out
}

// TestEverythingPinned: every workflow and action.yml of this repository pins what it runs.
func TestEverythingPinned(t *testing.T) {
	root := testenv.RepoRoot(t)
	files := workflowFiles(t)
	files = append(files, filepath.Join(root, "action.yml"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pinProblems(filepath.Base(f), raw) {
			t.Error(p)
		}
	}
}

// TestPinProblemsFindsUnpinned: the check above can fail, on each kind of reference.
func TestPinProblemsFindsUnpinned(t *testing.T) {
	const sha = "08c6903cd8c0fde910a37f88322edcfb5dd907a8"
	const digest = "sha256:c5fb7154bed784fc19a69779c308fddba564f19a37c25d306c0e9765c4f0aa1d"
	for _, c := range []struct {
		name, yml string
		want      int
	}{
		{"pinned", "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@" + sha + " # v5.0.0\n      - uses: ./.github/actions/x\n      - run: docker run ghcr.io/bridgecrewio/checkov:3.3.13@" + digest + "\n", 0},
		{"tag", "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v5\n", 1},
		{"short sha", "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@08c6903\n", 1},
		{"reusable by branch", "jobs:\n  a:\n    uses: org/repo/.github/workflows/x.yml@main\n", 1},
		{"docker action by tag", "jobs:\n  a:\n    steps:\n      - uses: docker://ghcr.io/org/img:1.0\n", 1},
		{"docker action by digest", "jobs:\n  a:\n    steps:\n      - uses: docker://ghcr.io/org/img@" + digest + "\n", 0},
		{"image by tag in a script", "jobs:\n  a:\n    steps:\n      - run: docker run ghcr.io/bridgecrewio/checkov:3.3.13 -d .\n", 1},
		{"image in env", "env:\n  IMG: docker.io/library/alpine:3.20\n", 1},
		{"short digest", "env:\n  IMG: ghcr.io/o/i@sha256:abc\n", 1},
		{"container", "jobs:\n  a:\n    container: node:22\n", 1},
		{"container map", "jobs:\n  a:\n    container:\n      image: node@" + digest + "\n", 0},
		{"service", "jobs:\n  a:\n    services:\n      db:\n        image: postgres:16\n", 1},
		{"docker action.yml", "runs:\n  using: docker\n  image: docker://alpine:3\n", 1},
	} {
		got := pinProblems(c.name+".yml", []byte(c.yml))
		if len(got) != c.want {
			t.Errorf("%s: %d problems, want %d: %q", c.name, len(got), c.want, got)
		}
	}
}
