package comment

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/detect"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/notify"
	"github.com/terragrunt-olechka/olechka/internal/review"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const vpcPlan = `OpenTofu will perform the following actions:

  # aws_vpc.main will be updated in-place
  ~ resource "aws_vpc" "main" {
      ~ tags = {
          + "team" = "platform"
        }
    }

Plan: 0 to add, 1 to change, 0 to destroy.`

const auroraPlan = "  # aws_rds_cluster.main must be replaced\n-/+ resource \"aws_rds_cluster\" \"main\" {\n      ~ engine_version = \"15.4\" -> \"16.1\" # forces replacement\n        master_password = (sensitive value)\n    }\n\n  # a comment with ``` backticks\nPlan: 1 to add, 0 to change, 1 to destroy."

func sample() Input {
	return Input{
		Run:  notify.Run{ServerURL: "https://github.com", Repository: "acme/infra", RunID: "77", SHA: "feedfacecafebeef", PR: 12},
		Base: "1111111aaaaaaa", Head: "2222222bbbbbbb",
		Units: []Unit{
			{Affected: detect.Affected{Path: "dev/eu-central-1/vpc", Action: "plan", Wave: 0, Env: "dev", Reasons: []string{`inputs.tags.team: (absent) -> "platform"`}}, Plan: &Plan{Counts: artifact.Counts{Change: 1}, Changes: []artifact.ResourceChange{{Address: "aws_vpc.main", Action: "update"}}, Text: vpcPlan}, Decision: &review.Decision{Gate: "auto", Environment: "dev"}},
			{Affected: detect.Affected{Path: "production/eu-central-1/aurora", Action: "plan", Wave: 1, Env: "production", Reasons: []string{"module source modules/aurora changed", "upstream dev/eu-central-1/vpc | changed"}}, Plan: &Plan{Counts: artifact.Counts{Add: 1, Destroy: 1, Replace: 1}, Text: auroraPlan, Changes: []artifact.ResourceChange{
				{Address: "aws_db_parameter_group.x", Action: "create"},
				{Address: "aws_rds_cluster.main", Action: "replace", Stateful: true},
			}, Mocks: []string{"production/eu-central-1/vpc"}}, Decision: &review.Decision{Gate: "manual", Environment: "production", Reasons: []string{"tier production requires approval", "replaces aws_rds_cluster.main"}}},
			{Affected: detect.Affected{Path: "dev/eu-central-1/old-cache", Action: "destroy", Wave: 0, Reasons: []string{"unit removed"}}, Plan: &Plan{Counts: artifact.Counts{Destroy: 1}, Changes: []artifact.ResourceChange{{Address: "aws_elasticache_cluster.c", Action: "delete", Stateful: true}}}, Decision: &review.Decision{Gate: "manual", Environment: "dev", Reasons: []string{"destroys aws_elasticache_cluster.c"}}},
			{Affected: detect.Affected{Path: "dev/eu-central-1/ecs", Action: "plan", Wave: 1, Reasons: []string{"upstream dev/eu-central-1/vpc changed"}}, Plan: &Plan{Error: "Error: Invalid value\n\n  on main.tf line 3"}, Decision: &review.Decision{Gate: "blocked", Reasons: []string{"plan failed"}}},
			{Affected: detect.Affected{Path: "dev/eu-central-1/app", Action: "plan", Wave: 2, Reasons: []string{"upstream dev/eu-central-1/ecs changed"}}, Plan: &Plan{Skipped: "dependency dev/eu-central-1/ecs did not plan"}, Decision: &review.Decision{Gate: "blocked", Reasons: []string{"dependency dev/eu-central-1/ecs is blocked"}}},
		},
		Findings: []finding.Finding{
			{Check: "security", Rule: "AWS-0104", Level: finding.Warning, Severity: "CRITICAL", Message: "Security group rule allows egress to multiple public internet addresses.", File: "modules/ecs/main.tf", Line: 40, Unit: "dev/eu-central-1/ecs"},
			{Check: "policy", Rule: "deny", Level: finding.Error, Message: "production database must keep deletion_protection", File: "live/production/eu-central-1/aurora/terragrunt.hcl", Line: 12},
		},
		Cost: &Cost{Currency: "USD", Source: "catalog 2025-06", Lines: []CostLine{
			{Name: "production/eu-central-1/aurora", Base: 400, Head: 520.5},
			{Name: "dev/eu-central-1/old-cache", Base: 25, Head: 0},
		}},
		Edges: map[string][]string{
			"production/eu-central-1/aurora": {"dev/eu-central-1/vpc"},
			"dev/eu-central-1/ecs":           {"dev/eu-central-1/vpc", "dev/eu-central-1/not-affected"},
		},
	}
}

func TestFullGolden(t *testing.T) {
	got := Full(sample())
	golden := filepath.Join("testdata", "sample.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("rendered comment differs from %s (run with -update to accept):\n%s", golden, got)
	}
}

func TestRenderStructure(t *testing.T) {
	parts := Render(sample(), Options{})
	if len(parts) != 1 {
		t.Fatalf("%d parts, want 1", len(parts))
	}
	c := parts[0]
	if !strings.HasPrefix(c, Marker+"\n") || PartOf(c) != 1 {
		t.Errorf("comment does not start with the marker:\n%s", c[:80])
	}
	mustOrder(t, c,
		"## 🔴 olechka plan: 5 units affected",
		"`1111111` → `2222222`",
		"⏭️ **1** skipped",
		"### Affected units",
		"### Plans",
		"dev/eu-central-1/old-cache</code>",     // stateful destruction first (wave 0)
		"production/eu-central-1/aurora</code>", // stateful replacement (wave 1)
		"dev/eu-central-1/ecs</code> · plan failed",
		"dev/eu-central-1/vpc</code>",
		"dev/eu-central-1/app</code> · skipped: dependency dev/eu-central-1/ecs did not plan",
		"### Findings: 1 error, 1 warning, 0 notes",
		"production database must keep deletion_protection", // errors before warnings
		"AWS-0104",
		"### Cost",
		"### Graph of affected units",
	)
	for _, want := range []string{
		"upstream dev/eu-central-1/vpc \\| changed", // pipes escaped in tables
		"⏸️ approval (`production`)",
		"♻️ `aws_rds_cluster.main` replace — **stateful**",
		"| **Total** | **$425.00** | **$520.50** | **+$95.50** |",
		"+$120.50 (+30%)",
		"cost +$95.50/month",
		"````diff", // the plan contains ``` so the fence is longer
		"!    resource \"aws_rds_cluster\" \"main\" {",
		"!        engine_version",
		"+            \"team\" = \"platform\"",
		"mock outputs of production/eu-central-1/vpc",
		"u1 --> u2", "u1 --> u3", // vpc -> ecs, vpc -> aurora; the unaffected dependency is not drawn
		"class u2,u4 bad", "class u0,u3 destructive",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("comment lacks %q", want)
		}
	}
	if strings.Contains(c, "not-affected") {
		t.Error("the graph draws a unit that is not affected")
	}
	// Inside the aurora details, the replacement is listed before the creation.
	mustOrder(t, c, "aws_rds_cluster.main` replace", "aws_db_parameter_group.x` create")
}

func TestRenderNoUnits(t *testing.T) {
	parts := Render(Input{Head: "abc"}, Options{})
	if len(parts) != 1 || !strings.Contains(parts[0], "No unit is affected") || PartOf(parts[0]) != 1 {
		t.Fatalf("parts = %q", parts)
	}
}

// The header names the commits compared; a run over every unit (no base) names its
// commit alone, never an empty code span.
func TestRenderHeaderCommits(t *testing.T) {
	unit := []Unit{{Affected: detect.Affected{Path: "dev/a", Action: "plan"}, Plan: &Plan{}}}
	for _, c := range []struct {
		base, head, want string
	}{
		{"1111111aaaa", "2222222bbbb", "`1111111` → `2222222`"},
		{"", "922af34cccc", "at `922af34`"},
		{"1111111aaaa", "", "`1111111` → working tree"},
	} {
		header := strings.SplitN(Render(Input{Base: c.base, Head: c.head, Units: unit}, Options{})[0], "\n\n", 3)[1]
		if !strings.HasPrefix(header, c.want) || strings.Contains(header, "``") {
			t.Errorf("base %q, head %q: header %q, want %q", c.base, c.head, header, c.want)
		}
	}
}

func bigInput(n, planLines int) Input {
	in := Input{Run: notify.Run{ServerURL: "https://github.com", Repository: "acme/infra", RunID: "5"}, Edges: map[string][]string{}}
	var text strings.Builder
	for i := range planLines {
		fmt.Fprintf(&text, "  + resource \"terraform_data\" \"r%d\" { input = \"%s\" }\n", i, strings.Repeat("é", 20))
	}
	for i := range n {
		p := fmt.Sprintf("production/eu-central-1/component-%04d", i)
		in.Units = append(in.Units, Unit{Affected: detect.Affected{Path: p, Action: "plan", Wave: i % 7, Reasons: []string{"inputs.size changed", "root.hcl changed"}}, Plan: &Plan{Counts: artifact.Counts{Add: planLines}, Text: text.String()}})
		if i > 0 {
			in.Edges[p] = []string{fmt.Sprintf("production/eu-central-1/component-%04d", i-1)}
		}
		in.Findings = append(in.Findings, finding.Finding{Check: "lint", Rule: "x", Level: finding.Warning, Message: "m", Unit: p})
	}
	return in
}

func TestRenderNeverExceedsTheLimitAndTruncatesWithALink(t *testing.T) {
	in := bigInput(1000, 400)
	in.FullURL = "https://github.com/acme/infra/actions/runs/5#artifacts"
	parts := Render(in, Options{MaxParts: 3})
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3", len(parts))
	}
	for i, p := range parts {
		if len(p) > MaxChars {
			t.Errorf("part %d is %d bytes > %d", i+1, len(p), MaxChars)
		}
		if PartOf(p) != i+1 {
			t.Errorf("part %d carries marker of part %d", i+1, PartOf(p))
		}
		if strings.Count(p, "<details>") != strings.Count(p, "</details>") {
			t.Errorf("part %d has unbalanced <details>", i+1)
		}
		if strings.Count(p, "```")%2 != 0 {
			t.Errorf("part %d has an unclosed code fence", i+1)
		}
	}
	last := parts[2]
	if !strings.Contains(last, "This comment is truncated") || !strings.Contains(last, in.FullURL) {
		t.Errorf("the last part does not link to the full comment:\n%s", last[len(last)-600:])
	}
	if full := Full(in); len(full) < 10*MaxChars || !strings.Contains(full, "component-0999") {
		t.Errorf("Full is not the whole comment (%d bytes)", len(full))
	}
}

func TestRenderContinuesInFurtherComments(t *testing.T) {
	in := bigInput(30, 10)
	parts := Render(in, Options{MaxChars: 6000, MaxParts: 50})
	if len(parts) < 3 {
		t.Fatalf("%d parts: the test needs a comment that spans several", len(parts))
	}
	all := strings.Join(parts, "\n")
	for _, u := range in.Units {
		if !strings.Contains(all, u.Path+"</code>") {
			t.Errorf("%s's plan is missing from the parts", u.Path)
		}
	}
	if strings.Contains(all, "truncated") {
		t.Error("nothing should be truncated when the parts suffice")
	}
	for i, p := range parts {
		if len(p) > 6000 {
			t.Errorf("part %d is %d bytes", i+1, len(p))
		}
		if i > 0 && !strings.Contains(p, fmt.Sprintf("continued (part %d)", i+1)) {
			t.Errorf("part %d does not say it continues", i+1)
		}
		if !strings.Contains(p, fmt.Sprintf("part %d of %d", i+1, len(parts))) {
			t.Errorf("part %d lacks its footer", i+1)
		}
	}
}

func TestPartOf(t *testing.T) {
	for body, want := range map[string]int{
		Marker + "\nhello":                   1,
		PartMarker(3) + "\nx":                3,
		"plain comment":                      0,
		"<!-- olechka:pr-comment part=0 -->": 0,
	} {
		if got := PartOf(body); got != want {
			t.Errorf("PartOf(%q) = %d, want %d", body, got, want)
		}
	}
}

func TestDiffText(t *testing.T) {
	in := "  + a\n  - b\n  ~ c\n-/+ d\n    e"
	want := "+    a\n-    b\n!    c\n!    d\n     e"
	if got := diffText(in); got != want {
		t.Errorf("diffText:\n%s\nwant\n%s", got, want)
	}
}

func mustOrder(t *testing.T, s string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(s[at:], p)
		if i < 0 {
			t.Errorf("%q missing or out of order", p)
			continue
		}
		at += i + len(p)
	}
}

func BenchmarkRender1000Units(b *testing.B) {
	in := bigInput(1000, 50)
	for b.Loop() {
		_ = Render(in, Options{})
	}
}
