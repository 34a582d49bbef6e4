package security

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/finding"
)

// one scanner for the package's tests: trivy's checks compile once (~1 s)
var (
	sharedOnce sync.Once
	shared     *Scanner
)

func scanner() *Scanner {
	sharedOnce.Do(func() { shared = New() })
	return shared
}

func obj(m map[string]cty.Value) cty.Value { return cty.ObjectVal(m) }

func index(fs []finding.Finding) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range fs {
		out[fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule)] = f
	}
	return out
}

func TestInsecureModule(t *testing.T) {
	ctx := context.Background()
	insecure := obj(map[string]cty.Value{"admin_cidr": cty.StringVal("0.0.0.0/0"), "versioning": cty.False})
	fs, err := scanner().ScanModule(ctx, "testdata/insecure", insecure)
	if err != nil {
		t.Fatal(err)
	}
	got := index(fs)
	for key, want := range map[string]struct {
		level finding.Level
		sev   string
		msg   string
	}{
		"testdata/insecure/main.tf:13 AWS-0132":                            {finding.Error, "HIGH", "customer managed key"},
		"testdata/insecure/main.tf:20 AWS-0090":                            {finding.Warning, "MEDIUM", "versioning"},
		"testdata/insecure/main.tf:32 AWS-0107":                            {finding.Error, "HIGH", "AVD-AWS-0107"},
		"testdata/insecure/main.tf:36 AWS-0080":                            {finding.Error, "HIGH", "encryption"},
		"testdata/insecure/main.tf:41 AWS-0180":                            {finding.Note, "HIGH", "suppressed"},
		"testdata/insecure/main.tf:41 security/suppression-without-reason": {finding.Error, "", "trivy:ignore:AVD-AWS-0180 has no reason"},
		// the local module ../shared is scanned too; its suppression carries a reason above it
		"testdata/shared/main.tf:3 AWS-0089": {finding.Note, "LOW", "suppressed: The access-log bucket of the data bucket cannot log to itself."},
	} {
		f, ok := got[key]
		if !ok {
			t.Errorf("missing %s", key)
			continue
		}
		if f.Level != want.level || f.Severity != want.sev || !strings.Contains(f.Message, want.msg) || f.Check != "security" {
			t.Errorf("%s: got %+v", key, f)
		}
	}
	if t.Failed() {
		for _, f := range fs {
			t.Log(f.String())
		}
	}
	// the same module with safe inputs: the input-dependent findings go away
	safe := obj(map[string]cty.Value{"admin_cidr": cty.StringVal("10.1.0.0/16"), "versioning": cty.True})
	fs2, err := scanner().ScanModule(ctx, "testdata/insecure", safe)
	if err != nil {
		t.Fatal(err)
	}
	got2 := index(fs2)
	for _, gone := range []string{"testdata/insecure/main.tf:32 AWS-0107", "testdata/insecure/main.tf:20 AWS-0090"} {
		if _, ok := got2[gone]; ok {
			t.Errorf("%s reported with safe inputs", gone)
		}
	}
	if _, ok := got2["testdata/insecure/main.tf:36 AWS-0080"]; !ok {
		t.Error("input-independent finding missing with safe inputs")
	}
}

func TestSecureModule(t *testing.T) {
	fs, err := scanner().ScanModule(context.Background(), "testdata/secure", obj(map[string]cty.Value{
		"name": cty.StringVal("data"), "log_bucket": cty.StringVal("logs"), "vpc_id": cty.StringVal("vpc-1"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		t.Errorf("secure module: %s", f)
	}
}

func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// The cache: same content + inputs scan once, even concurrently; new inputs or new
// content scan again; findings name the dir each caller passed.
func TestCache(t *testing.T) {
	s := New()
	ctx := context.Background()
	dir := copyDir(t, "testdata/secure")
	in := obj(map[string]cty.Value{"name": cty.StringVal("a"), "log_bucket": cty.StringVal("l"), "vpc_id": cty.StringVal("v")})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.ScanModule(ctx, dir, in); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if st := s.Stats(); st.Scans != 1 || st.CacheHits != 3 {
		t.Fatalf("4 identical scans: %+v", st)
	}
	other := obj(map[string]cty.Value{"name": cty.StringVal("b"), "log_bucket": cty.StringVal("l"), "vpc_id": cty.StringVal("v")})
	if _, err := s.ScanModule(ctx, dir, other); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Scans != 2 {
		t.Fatalf("new inputs should scan: %+v", st)
	}
	// drop the public access block: content changed, a new scan finds the gap
	src, _ := os.ReadFile(filepath.Join(dir, "main.tf"))
	cut := strings.Replace(string(src), `resource "aws_s3_bucket_public_access_block" "data"`, `resource "aws_s3_bucket_public_access_block" "other"`, 1)
	cut = strings.Replace(cut, "bucket                  = aws_s3_bucket.data.id", `bucket                  = "elsewhere"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	fs, err := s.ScanModule(ctx, dir, in)
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Scans != 3 {
		t.Fatalf("changed content should scan: %+v", st)
	}
	if len(fs) == 0 || !strings.HasPrefix(fs[0].File, filepath.ToSlash(dir)+"/") {
		t.Errorf("want findings under %s, got %v", dir, fs)
	}
	t.Logf("stats: %+v", s.Stats())
}

func TestScanErrors(t *testing.T) {
	s := scanner()
	if _, err := s.ScanModule(context.Background(), "testdata/nope", cty.NilVal); err == nil {
		t.Error("a missing module must be an error")
	}
	if _, err := s.ScanModule(context.Background(), "testdata/secure", cty.StringVal("x")); err == nil {
		t.Error("non-object inputs must be an error")
	}
}

func TestTfvarsJSON(t *testing.T) {
	b, err := tfvarsJSON(obj(map[string]cty.Value{
		"a": cty.StringVal("x"),
		"b": cty.UnknownVal(cty.String),
		"c": cty.ListVal([]cty.Value{cty.NumberIntVal(1)}),
		"d": cty.StringVal("s").Mark("sensitive"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"a":"x","b":null,"c":[1],"d":"s"}` {
		t.Errorf("got %s", b)
	}
	if b, _ := tfvarsJSON(cty.NilVal); string(b) != "{}" {
		t.Errorf("nil inputs: %s", b)
	}
}

func TestSuppressionComments(t *testing.T) {
	dir := t.TempDir()
	src := `# Public on purpose: the landing page bucket.
#trivy:ignore:AVD-AWS-0093
resource "aws_s3_bucket" "a" {
  bucket = "a" #trivy:ignore:AVD-AWS-0089 -- logs go to CloudFront instead
  acl    = "x" // tfsec:ignore:aws-s3-no-public-access-with-acl
  tags   = { note = "#trivy:ignore:AVD-AWS-0001 inside a string is not a comment" }
}
/* trivy:ignore:AVD-AWS-0132 reason: the bucket holds only public assets */
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
#trivy:ignore:AVD-AWS-0090:exp:2030-01-01 #trivy:ignore:AVD-AWS-0091
# trivy:ignore:* ok
`
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	set, fs, err := suppressions([]string{p}, dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", f.File, f.Line, f.Column, f.Rule))
	}
	want := []string{
		"main.tf:5:16 " + RuleNoReason, // tfsec:ignore without a reason
		"main.tf:12:1 " + RuleNoReason, // two ignores, no reason
		"main.tf:13:1 " + RuleNoReason, // "ok" is not a reason
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range []struct {
		line int
		id   string
		want string
	}{
		{3, "AWS-0093", "Public on purpose: the landing page bucket."},
		{4, "AWS-0089", "logs go to CloudFront instead"},
		{9, "AWS-0132", "the bucket holds only public assets"},
		{13, "AWS-0090", ""},
	} {
		if got := set.reasonFor(p, c.line, c.id); got != c.want {
			t.Errorf("reason for %s at %d = %q, want %q", c.id, c.line, got, c.want)
		}
	}
	if len(set) != 6 {
		t.Errorf("want 6 suppressions (the string is not one), got %d: %+v", len(set), set)
	}
}

func TestParseIgnore(t *testing.T) {
	for in, want := range map[string][2]string{
		"#trivy:ignore:AVD-AWS-0089":                                 {"AVD-AWS-0089", ""},
		"# trivy:ignore:AVD-AWS-0089 reason: x y z\n":                {"AVD-AWS-0089", "x y z"},
		"// tfsec:ignore:aws-s3-enable-logging — because":            {"aws-s3-enable-logging", "because"},
		"#trivy:ignore:AVD-AWS-0089[region=x]:exp:2030-01-01 legacy": {"AVD-AWS-0089", "legacy"},
	} {
		ids, reason := parseIgnore(in)
		if len(ids) != 1 || ids[0] != want[0] || reason != want[1] {
			t.Errorf("parseIgnore(%q) = %v %q, want %v", in, ids, reason, want)
		}
	}
}

func BenchmarkScanModule(b *testing.B) {
	s := New()
	ctx := context.Background()
	// compile trivy's checks before timing: that happens once per process
	if _, err := s.ScanModule(ctx, "testdata/secure", cty.NilVal); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++ // distinct inputs: every iteration is a real scan, not a cache hit
		in := obj(map[string]cty.Value{"admin_cidr": cty.StringVal(fmt.Sprintf("10.%d.0.0/16", i%250)), "versioning": cty.True})
		if _, err := s.ScanModule(ctx, "testdata/insecure", in); err != nil {
			b.Fatal(err)
		}
	}
	st := s.Stats()
	b.ReportMetric(float64(st.LoadTime.Milliseconds()), "ms-load-checks")
}
