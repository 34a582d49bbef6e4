package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/finding"
	"github.com/terragrunt-olechka/olechka/internal/testenv"
)

func TestGoodTreePasses(t *testing.T) {
	r := run(t, writeTree(t, nil), Options{})
	if r.Units != 3 {
		t.Fatalf("units = %d", r.Units)
	}
	if r.Failed(finding.Warning) {
		t.Fatalf("the good tree must pass even --fail-on warn:\n%s", dump(r))
	}
	if b, _ := json.Marshal(r); !strings.Contains(string(b), `"findings":[]`) {
		t.Fatalf("no findings is an empty JSON list: %s", b)
	}
	for _, name := range []string{CheckLint, CheckPolicy, CheckCost} {
		if c := r.Check(name); c == nil || c.Status != StatusPassed {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if c := r.Check(CheckFmt); c == nil || c.Status != StatusSkipped {
		t.Errorf("fmt not selected must be skipped: %+v", c)
	}
	// Cost: 3 NAT gateways + 2 db.r6g.large + ALB, in eu-central-1 prices.
	if r.Cost == nil || r.Cost.Monthly < 3*730*0.052+2*730*0.31+730*0.027 {
		t.Fatalf("cost estimate too low: %+v", r.Cost)
	}
	if e := r.Cost.Env("production"); e == nil || e.Budget == nil || *e.Budget != 5000 || e.Units != 3 {
		t.Fatalf("production env cost: %+v", e)
	}
}

func TestLintContracts(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"live/production/eu-central-1/aurora/terragrunt.hcl": `include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "${get_repo_root()}/modules//aurora"
}

prevent_destroy = true

dependency "vpc" {
  config_path = "../vpc"
  mock_outputs = {
    vpc_id  = "vpc-123"
    subnets = ["a"]
  }
}

inputs = {
  vpc_id                  = dependency.vpc.outputs.vpc_id
  subnet_ids              = dependency.vpc.outputs.subnets
  instance_count          = "two"
  backup_retention_period = 30
  kms_key_arn             = "arn:aws:kms:eu-central-1:111111111111:key/abc"
  instanse_class          = "db.r6g.large"
}
`,
		"live/production/eu-central-1/vpc/terragrunt.hcl": strings.Replace(goodTree["live/production/eu-central-1/vpc/terragrunt.hcl"], `"10.0.0.0/16"`, `"not-a-cidr"`, 1),
	})
	r := run(t, dir, Options{Only: []string{"lint"}})
	unit := "live/production/eu-central-1/aurora/terragrunt.hcl"
	cases := []struct {
		rule  string
		level finding.Level
		file  string
		line  int
		text  string
	}{
		{"missing-output", finding.Error, unit, 21, `no output "subnets"`},
		{"type-mismatch", finding.Error, unit, 22, `input "instance_count"`},
		{"undeclared-input", finding.Warning, unit, 25, `did you mean "instance_class"?`},
		{"missing-required", finding.Error, unit, 19, `required variable "instance_class"`},
		{"variable-validation", finding.Error, "live/production/eu-central-1/vpc/terragrunt.hcl", 10, "cidr must be a CIDR block."},
	}
	for _, c := range cases {
		f := find(r, "lint", c.rule)
		if f == nil {
			t.Errorf("no %s finding:\n%s", c.rule, dump(r))
			continue
		}
		if f.Level != c.level || f.File != c.file || f.Line != c.line || !strings.Contains(f.Message, c.text) {
			t.Errorf("%s: got %s, want %s at %s:%d containing %q", c.rule, f, c.level, c.file, c.line, c.text)
		}
	}
	if c := r.Check(CheckLint); c.Status != StatusFailed || !strings.Contains(c.Note, "tflint skipped") {
		t.Errorf("lint check: %+v", c)
	}
}

func TestBrokenHCLIsAFindingNotACrash(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"live/production/eu-central-1/alb/terragrunt.hcl": "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\n\ninputs = {\n  vpc_id = \n}\n",
	})
	r := run(t, dir, Options{Only: []string{"lint,policy"}})
	var unitErr *finding.Finding
	for i, f := range r.Findings {
		if f.File == "live/production/eu-central-1/alb/terragrunt.hcl" && f.Rule == "config" {
			unitErr = &r.Findings[i]
		}
	}
	if unitErr == nil || unitErr.Line != 6 || unitErr.Level != finding.Error {
		t.Fatalf("broken unit: want an error at line 6, got %v\n%s", unitErr, dump(r))
	}
	if r.Units != 2 {
		t.Fatalf("the other units are still validated: %d", r.Units)
	}
	if !r.Failed(finding.Error) {
		t.Fatal("a broken unit fails the stage")
	}
	// Only the module broken: its file:line is reported.
	dir = writeTree(t, map[string]string{"modules/alb/main.tf": goodTree["modules/alb/main.tf"] + "\nresource \"x\" {\n"})
	r = run(t, dir, Options{Only: []string{"lint"}})
	f := find(r, "lint", "module")
	if f == nil || f.File != "modules/alb/main.tf" || f.Line == 0 {
		t.Fatalf("broken module: %v\n%s", f, dump(r))
	}
}

func TestPolicyFindings(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"live/production/eu-central-1/aurora/terragrunt.hcl": strings.NewReplacer(
			"backup_retention_period = 30", "backup_retention_period = 7\n  deletion_protection     = false\n  publicly_accessible     = true",
		).Replace(goodTree["live/production/eu-central-1/aurora/terragrunt.hcl"]),
		"live/production/eu-central-1/alb/terragrunt.hcl": strings.Replace(goodTree["live/production/eu-central-1/alb/terragrunt.hcl"],
			"{ from_port = 80, to_port = 80,", "{ from_port = 22, to_port = 22,", 1),
		"live/production/env.hcl": strings.Replace(goodTree["live/production/env.hcl"], "5000", "100", 1),
	})
	r := run(t, dir, Options{Only: []string{"policy"}})
	aurora := "live/production/eu-central-1/aurora/terragrunt.hcl"
	want := map[string]string{
		"deletion-protection": aurora,
		"public-database":     aurora,
		"backup-retention":    aurora,
		"world-ingress":       "live/production/eu-central-1/alb/terragrunt.hcl",
		"budget":              "live/production/env.hcl",
	}
	for rule, file := range want {
		f := find(r, "policy", rule)
		if f == nil || f.Level != finding.Error || f.File != file || f.Line == 0 {
			t.Errorf("%s: want an error in %s with a line, got %v", rule, file, f)
		}
	}
	if f := find(r, "policy", "deletion-protection"); f != nil && f.Line != 25 {
		t.Errorf("deletion-protection points at the input: line %d", f.Line)
	}
	if f := find(r, "policy", "budget"); f != nil && f.Line != 5 {
		t.Errorf("budget points at monthly_budget_usd: line %d", f.Line)
	}
	if !r.Failed(finding.Error) {
		t.Fatal("denies fail the stage")
	}
}

func TestUserPolicyFolderAndWarnings(t *testing.T) {
	dir := writeTree(t, nil)
	pol := t.TempDir()
	os.WriteFile(filepath.Join(pol, "naming.rego"), []byte(`package olechka.unit.naming

warn contains sprintf("%s: instance class %s is not graviton", [input.olechka.path, input.inputs.instance_class]) if {
	not startswith(input.inputs.instance_class, "db.r6g")
}

warn contains "aurora units are watched" if input.olechka.module == "aurora"
`), 0o644)
	repo := testenv.RepoRoot(t)
	r := run(t, dir, Options{Only: []string{"policy"}, PolicyDirs: []string{filepath.Join(repo, "policy"), pol}})
	f := find(r, "policy", "naming")
	if f == nil || f.Level != finding.Warning || f.Unit != "production/eu-central-1/aurora" {
		t.Fatalf("user warn: %v\n%s", f, dump(r))
	}
	if r.Failed(finding.Error) || !r.Failed(finding.Warning) {
		t.Fatal("warnings pass by default and fail with --fail-on warn")
	}
	// A policy that does not compile stops the stage with file:line.
	os.WriteFile(filepath.Join(pol, "broken.rego"), []byte("package olechka.unit.broken\n\ndeny contains msg if {\n  msg := \n}\n"), 0o644)
	_, err := Run(context.Background(), Options{Root: filepath.Join(dir, "live"), RepoRoot: dir, PolicyDirs: []string{pol}, Only: []string{"policy"}})
	if err == nil || !strings.Contains(err.Error(), "broken.rego:5") {
		t.Fatalf("broken policy: %v", err)
	}
}

func TestCostDiffAgainstBaseRender(t *testing.T) {
	dir := writeTree(t, nil)
	base := map[string]any{
		"production/eu-central-1/aurora": map[string]any{
			"terraform": map[string]any{"source": "../modules//aurora"},
			"inputs":    map[string]any{"instance_class": "db.r6g.large", "instance_count": 1},
			"olechka":   map[string]any{"env": "production", "region": "eu-central-1"},
		},
	}
	b, _ := json.Marshal(base)
	baseFile := filepath.Join(t.TempDir(), "base.json")
	os.WriteFile(baseFile, b, 0o644)
	r := run(t, dir, Options{Only: []string{"cost"}, BaseRender: baseFile})
	e := r.Cost.Env("production")
	if e == nil || e.Base == nil || e.Delta == nil {
		t.Fatalf("no diff: %+v", e)
	}
	// Base: one instance plus storage and I/O; head adds a second instance, the VPC and the ALB.
	if *e.Delta < 730*0.31 || *e.Base < 730*0.31 {
		t.Fatalf("delta %.2f base %.2f", *e.Delta, *e.Base)
	}
	var md bytes.Buffer
	WriteMarkdown(&md, r)
	if !strings.Contains(md.String(), "| production | 3 |") || !strings.Contains(md.String(), "+$") {
		t.Fatalf("markdown cost table:\n%s", md.String())
	}
}

func TestInfracostInstead(t *testing.T) {
	dir := writeTree(t, nil)
	rep := `{"version":"0.2","currency":"USD","projects":[{"name":"live/production/eu-central-1/vpc","metadata":{"path":"live/production/eu-central-1/vpc"},
	"breakdown":{"resources":[],"totalMonthlyCost":"6000"}}]}`
	f := filepath.Join(t.TempDir(), "infracost.json")
	os.WriteFile(f, []byte(rep), 0o644)
	r := run(t, dir, Options{Only: []string{"cost,policy"}, Infracost: f})
	if r.Cost.Source != "infracost" || r.Cost.Monthly != 6000 {
		t.Fatalf("%+v", r.Cost)
	}
	if e := r.Cost.Env("production"); e == nil || e.Monthly != 6000 {
		t.Fatalf("infracost projects map to units and envs: %+v", r.Cost.Envs)
	}
	if b := find(r, "policy", "budget"); b == nil || b.Level != finding.Error {
		t.Fatalf("over budget by Infracost's numbers: %v", b)
	}
}

func TestSecurityReportsIngested(t *testing.T) {
	dir := writeTree(t, nil)
	checkov := filepath.Join(t.TempDir(), "checkov.json")
	os.WriteFile(checkov, []byte(`{"check_type":"terraform","results":{"failed_checks":[{"check_id":"CKV_AWS_16","check_name":"Ensure all data stored in the RDS is securely encrypted at rest","file_path":"/modules/aurora/main.tf","repo_file_path":"/modules/aurora/main.tf","file_line_range":[3,20],"resource":"aws_rds_cluster.this","severity":"HIGH"}]}}`), 0o644)
	r := run(t, dir, Options{Only: []string{"security"}, SecurityReports: []string{checkov}})
	f := find(r, "security", "CKV_AWS_16")
	if f == nil || f.File != "modules/aurora/main.tf" || f.Line != 3 || f.Level != finding.Error || f.Severity != "HIGH" {
		t.Fatalf("%v", f)
	}
}

func TestSecurityDedupedPerModuleAndInputs(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"live/production/ap-southeast-1/region.hcl":         "locals {\n  aws_region = \"ap-southeast-1\"\n}\n",
		"live/production/ap-southeast-1/vpc/terragrunt.hcl": goodTree["live/production/eu-central-1/vpc/terragrunt.hcl"],
		"live/production/eu-central-1/vpc2/terragrunt.hcl":  goodTree["live/production/eu-central-1/vpc/terragrunt.hcl"],
	})
	calls := map[string]int{}
	var mu = make(chan struct{}, 1)
	r := run(t, dir, Options{Only: []string{"security"}, Runners: Runners{
		Security: func(_ context.Context, moduleDir string, _ cty.Value) ([]finding.Finding, error) {
			mu <- struct{}{}
			calls[filepath.Base(moduleDir)]++
			<-mu
			return []finding.Finding{{Rule: "AWS-0001", Level: finding.Warning, Message: "x", File: "modules/" + filepath.Base(moduleDir) + "/main.tf", Line: 1}}, nil
		},
	}})
	// vpc units: eu-central-1 twice with identical inputs (one scan), ap-southeast-1 once.
	if calls["vpc"] != 2 || calls["aurora"] != 1 || calls["alb"] != 1 {
		t.Fatalf("scans: %v", calls)
	}
	if c := r.Check(CheckSecurity); c.Status != StatusWarned || c.Note != "4 scans for 5 units" {
		t.Fatalf("%+v", c)
	}
}

func TestSchemaCheckWired(t *testing.T) {
	file := testenv.File(t, "aws-schema.json.gz")
	dir := writeTree(t, map[string]string{
		"modules/alb/lb.tf": "resource \"aws_lb\" \"this\" {\n  name                = \"x\"\n  load_balancer_typo  = \"application\"\n}\n",
	})
	r := run(t, dir, Options{Only: []string{"schema"}, Runners: DefaultRunners(RunnerOptions{SchemaFile: file})})
	f := find(r, "schema", "schema/unknown-argument")
	if f == nil || f.File != "modules/alb/lb.tf" || f.Line != 3 || f.Level != finding.Error {
		t.Fatalf("unknown argument: %v\n%s", f, dump(r))
	}
	if c := r.Check(CheckSchema); c.Status != StatusFailed || c.Note != "3 modules" {
		t.Fatalf("%+v", c)
	}
	r = run(t, writeTree(t, nil), Options{Only: []string{"schema"}, Runners: DefaultRunners(RunnerOptions{SchemaFile: file})})
	if c := r.Check(CheckSchema); c.Status != StatusPassed {
		t.Fatalf("clean modules pass: %+v\n%s", c, dump(r))
	}
	r = run(t, dir, Options{Only: []string{"schema"}, Runners: DefaultRunners(RunnerOptions{SchemaFile: filepath.Join(dir, "none.json.gz")})})
	if c := r.Check(CheckSchema); c.Status != StatusSkipped || !strings.Contains(c.Note, "make tools") {
		t.Fatalf("missing schema is reported as skipped: %+v", c)
	}
}

func TestPlansFeedPolicyAndCost(t *testing.T) {
	dir := writeTree(t, nil)
	plans := t.TempDir()
	unit := "production/eu-central-1/aurora"
	udir := artifact.UnitDir(plans, unit)
	if err := os.MkdirAll(udir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := artifact.WriteMetadata(udir, &artifact.Metadata{Version: 1, Unit: unit, Status: artifact.StatusPlanned}); err != nil {
		t.Fatal(err)
	}
	plan := `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
  {"address":"aws_rds_cluster_instance.this[0]","mode":"managed","type":"aws_rds_cluster_instance","name":"this","values":{"instance_class":"db.r6g.xlarge","publicly_accessible":true}}]}},
 "resource_changes":[{"address":"aws_rds_cluster_instance.this[0]","type":"aws_rds_cluster_instance","change":{"actions":["create"],"after":{"instance_class":"db.r6g.xlarge","publicly_accessible":true},"after_unknown":{}}}]}`
	if err := os.WriteFile(filepath.Join(udir, artifact.PlanJSONFile), []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, Options{Only: []string{"policy,cost"}, PlansDir: plans})
	f := find(r, "policy", "public-database")
	if f == nil || f.Unit != unit || !strings.Contains(f.Message, "aws_rds_cluster_instance.this[0]") {
		t.Fatalf("plan policy: %v\n%s", f, dump(r))
	}
	for _, u := range r.Cost.Units {
		if u.Path == unit && (u.Source != "plan" || !near2(u.Monthly, 730*0.62)) {
			t.Fatalf("cost from plan: %+v", u)
		}
	}
	if !strings.Contains(r.Check(CheckPolicy).Note, "1 plans") {
		t.Fatalf("%+v", r.Check(CheckPolicy))
	}
}

func near2(a, b float64) bool { return a-b < 0.011 && b-a < 0.011 }

func TestFmtCheckWired(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"live/production/eu-central-1/region.hcl": "locals {\n  aws_region =    \"eu-central-1\"\n}\n",
		"modules/alb/extra.tf":                    "locals {\nx = 1\n}\n",
	})
	r := run(t, dir, Options{Only: []string{"fmt"}, Runners: DefaultRunners(RunnerOptions{})})
	var files []string
	for _, f := range r.Findings {
		if f.Check == "fmt" && f.Level == finding.Error {
			files = append(files, f.File)
		}
	}
	if strings.Join(files, " ") != "live/production/eu-central-1/region.hcl modules/alb/extra.tf" {
		t.Fatalf("unformatted files in the tree and in a module outside it: %v\n%s", files, dump(r))
	}
	if c := r.Check(CheckFmt); c.Status != StatusFailed || c.Note != "4 folders" {
		t.Fatalf("%+v", c)
	}
	r = run(t, writeTree(t, nil), Options{Only: []string{"fmt"}, Runners: DefaultRunners(RunnerOptions{})})
	if c := r.Check(CheckFmt); c.Status != StatusPassed {
		t.Fatalf("formatted tree: %+v\n%s", c, dump(r))
	}
}

func TestSecurityCheckWired(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"modules/alb/lb.tf": `resource "aws_lb" "this" {
  name                       = "x"
  internal                   = false
  load_balancer_type         = "application"
  drop_invalid_header_fields = var.deletion_protection
  subnets                    = var.subnet_ids
}
`,
	})
	r := run(t, dir, Options{Only: []string{"security"}, Runners: DefaultRunners(RunnerOptions{})})
	var hits []finding.Finding
	for _, f := range r.Findings {
		if f.Check == "security" && f.File == "modules/alb/lb.tf" && f.Line > 0 && f.Severity != "" {
			hits = append(hits, f)
		}
	}
	if len(hits) == 0 {
		t.Fatalf("trivy finds nothing in a public ALB:\n%s", dump(r))
	}
	if c := r.Check(CheckSecurity); !strings.HasPrefix(c.Note, "3 scans for 3 units") {
		t.Fatalf("%+v", c)
	}
	// An internal ALB that drops invalid headers passes.
	dir = writeTree(t, map[string]string{
		"modules/alb/lb.tf": `resource "aws_lb" "this" {
  name                       = "x"
  internal                   = true
  load_balancer_type         = "application"
  drop_invalid_header_fields = var.deletion_protection
  subnets                    = var.subnet_ids
}
`,
	})
	r = run(t, dir, Options{Only: []string{"security"}, Runners: DefaultRunners(RunnerOptions{})})
	if c := r.Check(CheckSecurity); c.Status != StatusPassed {
		t.Fatalf("clean ALB: %+v\n%s", c, dump(r))
	}
}

func TestTflintWiredOrSkipped(t *testing.T) {
	dir := writeTree(t, nil)
	r := run(t, dir, Options{Only: []string{"lint"}, Runners: DefaultRunners(RunnerOptions{TflintBin: filepath.Join(dir, "no-tflint")})})
	// A named binary that is missing makes tflint fail as a finding, not a crash.
	if f := find(r, "lint", "tflint"); f == nil || f.Level != finding.Error {
		t.Fatalf("missing named tflint: %v\n%s", f, dump(r))
	}
	bin := testenv.Tool(t, "tflint")
	r = run(t, dir, Options{Only: []string{"lint"}, Runners: DefaultRunners(RunnerOptions{TflintBin: bin})})
	if c := r.Check(CheckLint); !strings.Contains(c.Note, "tflint ran") {
		t.Fatalf("%+v\n%s", c, dump(r))
	}
	// Our fixture modules declare variables they never use: tflint's recommended preset says so.
	if f := find(r, "lint", "terraform_unused_declarations"); f == nil || !strings.HasPrefix(f.File, "modules/") || f.Line == 0 {
		t.Fatalf("tflint findings: %v\n%s", f, dump(r))
	}
}

func TestMissingModuleSourceIsLocated(t *testing.T) {
	dir := writeTree(t, map[string]string{"modules/alb/main.tf": ""})
	r := run(t, dir, Options{Only: []string{"lint"}})
	var f *finding.Finding
	for i := range r.Findings {
		if r.Findings[i].Rule == "config" {
			f = &r.Findings[i]
		}
	}
	if f == nil || f.File != "live/production/eu-central-1/alb/terragrunt.hcl" || f.Unit != "production/eu-central-1/alb" || f.Level != finding.Error {
		t.Fatalf("%v\n%s", f, dump(r))
	}
}
