package observability

import (
	"context"
	"github.com/terragrunt-olechka/olechka/internal/validate/tflint"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/testenv"
	"github.com/terragrunt-olechka/olechka/internal/tfmodule"
	"github.com/terragrunt-olechka/olechka/internal/validate/hclfmt"
	"github.com/terragrunt-olechka/olechka/internal/validate/schema"
)

func moduleDir(t *testing.T, name string) string {
	return filepath.Join(testenv.RepoRoot(t), "modules", name)
}

func load(t *testing.T, name string) *tfmodule.Module {
	t.Helper()
	m, diags := tfmodule.Load(moduleDir(t, name))
	if diags.HasErrors() {
		t.Fatalf("%s: %v", name, diags)
	}
	return m
}

// ourFiles are the HCL files we own: the modules, the _envcommon files (domain and
// component files) and the units.
func ourFiles(t *testing.T) []string {
	root := testenv.RepoRoot(t)
	var files []string
	for _, m := range ourModules {
		fs, err := filepath.Glob(filepath.Join(root, "modules", m, "*.tf"))
		if err != nil || len(fs) == 0 {
			t.Fatalf("modules/%s: %v", m, err)
		}
		files = append(files, fs...)
	}
	files = append(files, filepath.Join(root, "live", "_envcommon", "bootstrap.hcl"), filepath.Join(root, "live", "_envcommon", "monitoring.hcl"))
	for _, domain := range []string{"bootstrap", "monitoring"} {
		fs, err := filepath.Glob(filepath.Join(root, "live", "_envcommon", domain, "*.hcl"))
		if err != nil || len(fs) == 0 {
			t.Fatalf("live/_envcommon/%s: no component files (%v)", domain, err)
		}
		files = append(files, fs...)
	}
	for _, u := range wantUnits {
		files = append(files, filepath.Join(root, "live", u, "terragrunt.hcl"))
	}
	return files
}

func TestFilesAreFormatted(t *testing.T) {
	for _, f := range ourFiles(t) {
		ff, err := hclfmt.FormatFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, fd := range ff.Findings() {
			t.Errorf("%v", fd)
		}
	}
}

func TestModulesMatchTheAWSProviderSchema(t *testing.T) {
	s, err := schema.Load(testenv.File(t, schema.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ourModules {
		fs, err := s.CheckDir(moduleDir(t, m))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		for _, f := range fs {
			t.Errorf("%v", f)
		}
	}
}

// Module conventions: versions.tf pins aws ~> 6.0 and OpenTofu >= 1.8; every variable
// has a type and a description, every output a description; a README documents inputs.
func TestModuleConventions(t *testing.T) {
	for _, name := range ourModules {
		m := load(t, name)
		dir := moduleDir(t, name)
		v, err := os.ReadFile(filepath.Join(dir, "versions.tf"))
		if err != nil || !strings.Contains(string(v), `version = "~> 6.0"`) || !strings.Contains(string(v), `required_version = ">= 1.8"`) {
			t.Errorf("%s/versions.tf: %v", name, err)
		}
		readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for vn, variable := range m.Variables {
			if variable.Description == "" || variable.Type == cty.DynamicPseudoType {
				t.Errorf("%s: variable %s lacks a description or a type", name, vn)
			}
			if !strings.Contains(string(readme), "`"+vn+"`") {
				t.Errorf("%s/README.md does not document variable %s", name, vn)
			}
		}
		for on, o := range m.Outputs {
			if o.Description == "" {
				t.Errorf("%s: output %s lacks a description", name, on)
			}
			if !strings.Contains(string(readme), "`"+on+"`") {
				t.Errorf("%s/README.md does not document output %s", name, on)
			}
		}
	}
}

func TestVariableValidationRejectsNonsense(t *testing.T) {
	str := cty.StringVal
	list := func(s ...string) cty.Value {
		var vs []cty.Value
		for _, e := range s {
			vs = append(vs, cty.StringVal(e))
		}
		return cty.ListVal(vs)
	}
	cases := []struct {
		module, variable string
		bad, good        cty.Value
		message          string
	}{
		{"state-backend", "bucket_name", str("Bad_Bucket"), str("terraform-state-111111111111-eu-central-1"), "lowercase"},
		{"state-backend", "kms_key_alias", str("alias/aws/s3"), str("alias/terraform-state"), "AWS-managed"},
		{"state-backend", "noncurrent_version_retention_days", cty.NumberIntVal(1), cty.NumberIntVal(90), "between 7 and 3650"},
		{"state-backend", "lock_table_name", str("x"), str("terraform-locks"), "3 to 255"},
		{"github-oidc", "github_repository", str("not a repo"), str("terragrunt-olechka/olechka"), "owner/name"},
		{"github-oidc", "plan_subjects", list("repo:*:pull_request"), list("repo:o/r:pull_request"), "no wildcard repository"},
		{"github-oidc", "apply_subjects", list("repo:o/r:environment:*"), list("repo:o/r:environment:production"), "no wildcards"},
		{"github-oidc", "apply_services", list("ec2", "iam"), list("ec2"), "iam, sts, organizations and account are not allowed"},
		{"github-oidc", "max_session_duration", cty.NumberIntVal(60), cty.NumberIntVal(3600), "between 900 and 43200"},
		{"observability", "log_retention_days", cty.NumberIntVal(13), cty.NumberIntVal(14), "CloudWatch Logs accepts"},
		{"observability", "alarm_email_recipients", list("oncall"), list("oncall@example.com"), "email address"},
		{"observability", "thresholds", cty.ObjectVal(map[string]cty.Value{"cpu_percent": cty.NumberIntVal(150)}), cty.ObjectVal(map[string]cty.Value{"cpu_percent": cty.NumberIntVal(75)}), "(0, 100]"},
		{"observability", "thresholds", cty.ObjectVal(map[string]cty.Value{"latency_p99_seconds": cty.NumberIntVal(0)}), cty.ObjectVal(map[string]cty.Value{"latency_p99_seconds": cty.NumberFloatVal(0.5)}), "must be positive"},
		{"observability", "alarm_period_seconds", cty.NumberIntVal(45), cty.NumberIntVal(60), "multiple of 60"},
		{"observability", "kms_key_arn", str("alias/monitoring"), str("arn:aws:kms:eu-central-1:111111111111:key/mrk-1"), "KMS key ARN"},
		{"observability", "forwarder_package_path", str("bootstrap"), str("/repo/.olechka/dist/alarm-forwarder.zip"), ".zip"},
		{"observability", "xray_sampling", cty.MapVal(map[string]cty.Value{"api": cty.ObjectVal(map[string]cty.Value{"fixed_rate": cty.NumberIntVal(2), "reservoir_size": cty.NumberIntVal(1)})}), cty.MapValEmpty(cty.Object(map[string]cty.Type{"fixed_rate": cty.Number, "reservoir_size": cty.Number})), "between 0 and 1"},
	}
	mods := map[string]*tfmodule.Module{}
	for _, tc := range cases {
		m, ok := mods[tc.module]
		if !ok {
			m = load(t, tc.module)
			mods[tc.module] = m
		}
		v := m.Variables[tc.variable]
		if v == nil {
			t.Fatalf("%s has no variable %s", tc.module, tc.variable)
		}
		diags := v.Check(tc.bad)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.message) {
			t.Errorf("%s.%s = %#v: %v, want an error saying %q", tc.module, tc.variable, tc.bad, diags, tc.message)
		}
		if diags := v.Check(tc.good); diags.HasErrors() {
			t.Errorf("%s.%s = %#v rejected: %v", tc.module, tc.variable, tc.good, diags)
		}
	}
}

// tflint with its bundled terraform ruleset finds nothing in our modules, run as the
// validate stage runs it (a missing tflint skips locally and fails in CI).
func TestTflintIsClean(t *testing.T) {
	bin := testenv.Tool(t, "tflint")
	for _, m := range ourModules {
		findings, err := tflint.Run(context.Background(), bin, moduleDir(t, m))
		if err != nil {
			t.Fatalf("tflint %s: %v", m, err)
		}
		for _, f := range findings {
			t.Errorf("%s: %s", m, f)
		}
	}
}
