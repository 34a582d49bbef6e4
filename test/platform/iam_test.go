package platform

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// This file evaluates the github-oidc module's IAM policy documents as IAM would, for
// the requests a plan job makes (and the ones a pull request author would like it to
// make): the module's own HCL, its locals and the inputs live/ gives it, rendered
// into statements, then decided with IAM's rules (explicit deny wins; a condition on a
// key the request lacks is false, except ForAllValues, which is then true).

type iamCondition struct {
	test, variable string
	values         []string
}

type iamStatement struct {
	sid, effect                                  string
	actions, resources, notResources, principals []string
	conditions                                   []iamCondition
}

// iamRequest is one API call: action, resource and its condition keys (a key absent
// from ctx is absent from the request).
type iamRequest struct {
	action, resource string
	ctx              map[string][]string
}

func wildcard(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile("(?i)" + re).MatchString(s)
}

func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if wildcard(p, s) {
			return true
		}
	}
	return false
}

func (c iamCondition) holds(ctx map[string][]string) bool {
	vals, present := ctx[c.variable]
	present = present && len(vals) > 0
	set, op, _ := strings.Cut(c.test, ":")
	if op == "" {
		set, op = "", c.test
	}
	match := func(v string) bool {
		switch op {
		case "StringEquals":
			return contains(c.values, v)
		case "StringNotEquals":
			return !contains(c.values, v)
		case "StringLike":
			return anyMatch(c.values, v)
		}
		panic("operator not modelled: " + op)
	}
	switch set {
	case "ForAllValues":
		for _, v := range vals {
			if !match(v) {
				return false
			}
		}
		return true // also when the key is absent: the trap of issue 14
	case "ForAnyValue":
		for _, v := range vals {
			if match(v) {
				return true
			}
		}
		return false
	}
	if !present {
		return false
	}
	return match(vals[0])
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (s iamStatement) applies(r iamRequest) bool {
	if !anyMatch(s.actions, r.action) {
		return false
	}
	if len(s.notResources) > 0 {
		if anyMatch(s.notResources, r.resource) {
			return false
		}
	} else if len(s.resources) > 0 && !anyMatch(s.resources, r.resource) { // a trust policy names no resource
		return false
	}
	for _, c := range s.conditions {
		if !c.holds(r.ctx) {
			return false
		}
	}
	return true
}

// decide is IAM's evaluation for one identity's policies: "deny" (explicit),
// "allow", or "implicit" (nothing allows it).
func decide(policies [][]iamStatement, r iamRequest) (string, string) {
	allowed := ""
	for _, p := range policies {
		for _, s := range p {
			if !s.applies(r) {
				continue
			}
			if s.effect == "Deny" {
				return "deny", s.sid
			}
			allowed = s.sid
		}
	}
	if allowed != "" {
		return "allow", allowed
	}
	return "implicit", ""
}

// readOnlyAccess stands in for the AWS managed ReadOnlyAccess policy, generously: every
// Get*, List*, Describe* and BatchGet* of every service (GetSecretValue and
// GetParameter included), so the denies are tested against the worst case.
var readOnlyAccess = []iamStatement{{sid: "ReadOnlyAccess", effect: "Allow",
	actions: []string{"*:Get*", "*:List*", "*:Describe*", "*:BatchGet*"}, resources: []string{"*"}}}

// oidcModule renders the github-oidc module's policy documents with the given inputs
// over the module's defaults.
type oidcModule struct {
	docs       map[string][]iamStatement
	conditions map[string][]hcl.Expression // role name -> precondition conditions
	ctx        *hcl.EvalContext
}

func loadOIDCModule(t *testing.T, inputs map[string]cty.Value) *oidcModule {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "modules", "github-oidc")
	p := hclparse.NewParser()
	var bodies []*hcl.BodyContent
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	schema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}}, {Type: "locals"},
		{Type: "data", LabelNames: []string{"type", "name"}}, {Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "output", LabelNames: []string{"name"}}, {Type: "terraform"}, {Type: "provider", LabelNames: []string{"name"}},
	}}
	for _, f := range files {
		file, diags := p.ParseHCLFile(f)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		c, diags := file.Body.Content(schema)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		bodies = append(bodies, c)
	}
	vars := map[string]cty.Value{}
	var localAttrs hcl.Attributes = map[string]*hcl.Attribute{}
	m := &oidcModule{docs: map[string][]iamStatement{}, conditions: map[string][]hcl.Expression{}}
	var docBlocks, roleBlocks []*hcl.Block
	for _, c := range bodies {
		for _, b := range c.Blocks {
			switch b.Type {
			case "variable":
				attrs, _ := b.Body.JustAttributes()
				if d, ok := attrs["default"]; ok {
					v, diags := d.Expr.Value(nil)
					if diags.HasErrors() {
						t.Fatal(diags)
					}
					vars[b.Labels[0]] = v
				}
			case "locals":
				attrs, _ := b.Body.JustAttributes()
				for k, a := range attrs {
					localAttrs[k] = a
				}
			case "data":
				if b.Labels[0] == "aws_iam_policy_document" {
					docBlocks = append(docBlocks, b)
				}
			case "resource":
				if b.Labels[0] == "aws_iam_role" {
					roleBlocks = append(roleBlocks, b)
				}
			}
		}
	}
	for k, v := range inputs {
		vars[k] = v
	}
	fns := map[string]function.Function{
		"replace": stdlib.ReplaceFunc, "regex": stdlib.RegexFunc, "flatten": stdlib.FlattenFunc,
		"merge": stdlib.MergeFunc, "concat": stdlib.ConcatFunc, "can": tryfunc.CanFunc,
		"alltrue": function.New(&function.Spec{
			Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
			Type:   function.StaticReturnType(cty.Bool),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				for it := args[0].ElementIterator(); it.Next(); {
					_, v := it.Element()
					if v.False() {
						return cty.False, nil
					}
				}
				return cty.True, nil
			}}),
	}
	ctx := &hcl.EvalContext{Functions: fns, Variables: map[string]cty.Value{
		"var":  cty.ObjectVal(vars),
		"data": cty.ObjectVal(map[string]cty.Value{"aws_partition": cty.ObjectVal(map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"partition": cty.StringVal("aws")})})}),
		"aws_iam_openid_connect_provider": cty.ObjectVal(map[string]cty.Value{"github": cty.TupleVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{
			"arn": cty.StringVal("arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com")})})}),
	}}
	// Locals refer to each other: evaluate until all are known.
	locals := map[string]cty.Value{}
	for range len(localAttrs) + 1 {
		ctx.Variables["local"] = cty.ObjectVal(locals)
		for k, a := range localAttrs {
			if _, done := locals[k]; done {
				continue
			}
			if v, diags := a.Expr.Value(ctx); !diags.HasErrors() {
				locals[k] = v
			}
		}
	}
	if len(locals) != len(localAttrs) {
		t.Fatalf("locals left unevaluated: %d of %d", len(localAttrs)-len(locals), len(localAttrs))
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
	m.ctx = ctx
	for _, b := range docBlocks {
		m.docs[b.Labels[1]] = renderDoc(t, ctx, b)
	}
	for _, b := range roleBlocks {
		content, _, _ := b.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}}})
		for _, lc := range content.Blocks {
			pc, _, _ := lc.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "precondition"}}})
			for _, pre := range pc.Blocks {
				attrs, _ := pre.Body.JustAttributes()
				m.conditions[b.Labels[1]] = append(m.conditions[b.Labels[1]], attrs["condition"].Expr)
			}
		}
	}
	return m
}

func strs(t *testing.T, ctx *hcl.EvalContext, a *hcl.Attribute) []string {
	t.Helper()
	if a == nil {
		return nil
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return list(v)
}

func renderDoc(t *testing.T, ctx *hcl.EvalContext, b *hcl.Block) []iamStatement {
	t.Helper()
	c, _, diags := b.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "statement"}}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var out []iamStatement
	for _, sb := range c.Blocks {
		sc, _, diags := sb.Body.PartialContent(&hcl.BodySchema{
			Attributes: []hcl.AttributeSchema{{Name: "sid"}, {Name: "effect"}, {Name: "actions"}, {Name: "resources"}, {Name: "not_resources"}},
			Blocks:     []hcl.BlockHeaderSchema{{Type: "condition"}, {Type: "principals"}},
		})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		s := iamStatement{effect: "Allow"}
		if a := sc.Attributes["sid"]; a != nil {
			v, _ := a.Expr.Value(ctx)
			s.sid = v.AsString()
		}
		if a := sc.Attributes["effect"]; a != nil {
			v, _ := a.Expr.Value(ctx)
			s.effect = v.AsString()
		}
		s.actions = strs(t, ctx, sc.Attributes["actions"])
		s.resources = strs(t, ctx, sc.Attributes["resources"])
		s.notResources = strs(t, ctx, sc.Attributes["not_resources"])
		for _, cb := range sc.Blocks {
			attrs, _ := cb.Body.JustAttributes()
			if cb.Type == "principals" {
				s.principals = append(s.principals, strs(t, ctx, attrs["identifiers"])...)
				continue
			}
			test, _ := attrs["test"].Expr.Value(ctx)
			variable, _ := attrs["variable"].Expr.Value(ctx)
			s.conditions = append(s.conditions, iamCondition{test: test.AsString(), variable: variable.AsString(), values: strs(t, ctx, attrs["values"])})
		}
		out = append(out, s)
	}
	return out
}

// liveOIDCInputs are the inputs live/ gives the module in production.
func liveOIDCInputs(t *testing.T) map[string]cty.Value {
	t.Helper()
	tree := renderTree(t)
	for _, u := range tree.Units {
		if strings.HasPrefix(u.Path, "production/") && component(u) == "github-oidc" {
			in := map[string]cty.Value{}
			for k, v := range u.Config.Inputs.AsValueMap() {
				in[k] = v
			}
			return in
		}
	}
	t.Fatal("no production github-oidc unit in live/")
	return nil
}

const (
	stateBucket = "arn:aws:s3:::terraform-state-%s-eu-central-1"
)

// TestPlanRoleIAM: the plan role, evaluated as IAM evaluates it, reads state files and
// nothing else in the bucket, takes and breaks no lock, reads no secret value with or
// without a KMS alias in the request, and decrypts with the state key only.
func TestPlanRoleIAM(t *testing.T) {
	in := liveOIDCInputs(t)
	m := loadOIDCModule(t, in)
	acct := str(in["aws_account_id"])
	region := str(in["aws_region"])
	bucket := strings.Replace(stateBucket, "%s", acct, 1)
	if got := list(in["state_bucket_names"]); len(got) != 1 || "arn:aws:s3:::"+got[0] != bucket {
		t.Fatalf("state buckets %v, want %s", got, bucket)
	}
	table := "arn:aws:dynamodb:" + region + ":" + acct + ":table/" + str(in["lock_table_name"])
	plan := [][]iamStatement{readOnlyAccess, m.docs["state_read"], m.docs["plan_guard"]}
	stateKey := map[string][]string{"kms:ResourceAliases": {"alias/terraform-state"}}
	cases := []struct {
		name string
		req  iamRequest
		want string
	}{
		{"read a unit's state", iamRequest{"s3:GetObject", bucket + "/production/eu-central-1/aurora/terraform.tfstate", nil}, "allow"},
		{"read a workspace's state", iamRequest{"s3:GetObject", bucket + "/env:/blue/production/eu-central-1/vpc/terraform.tfstate", nil}, "allow"},
		{"list the bucket", iamRequest{"s3:ListBucket", bucket, nil}, "allow"},
		{"read the lock table's digest", iamRequest{"dynamodb:GetItem", table, nil}, "allow"},
		{"decrypt state with the state key", iamRequest{"kms:Decrypt", "arn:aws:kms:" + region + ":" + acct + ":key/1111", stateKey}, "allow"},
		{"read a lockfile", iamRequest{"s3:GetObject", bucket + "/production/eu-central-1/aurora/terraform.tfstate.tflock", nil}, "deny"},
		{"read another object in the state bucket", iamRequest{"s3:GetObject", bucket + "/plans/pr-7/tfplan", nil}, "deny"},
		{"read application data", iamRequest{"s3:GetObject", "arn:aws:s3:::ai-tools-production-uploads/users.csv", nil}, "deny"},
		{"take a lockfile", iamRequest{"s3:PutObject", bucket + "/production/eu-central-1/aurora/terraform.tfstate.tflock", nil}, "deny"},
		{"break a lockfile", iamRequest{"s3:DeleteObject", bucket + "/production/eu-central-1/aurora/terraform.tfstate.tflock", nil}, "deny"},
		{"overwrite state", iamRequest{"s3:PutObject", bucket + "/production/eu-central-1/aurora/terraform.tfstate", nil}, "deny"},
		{"take a lock-table lock", iamRequest{"dynamodb:PutItem", table, nil}, "deny"},
		{"break a lock-table lock", iamRequest{"dynamodb:DeleteItem", table, nil}, "deny"},
		{"rewrite a lock item", iamRequest{"dynamodb:UpdateItem", table, nil}, "deny"},
		// The request carries no kms:ResourceAliases: the old ForAllValues statement
		// denied it by accident; this one denies it by design, and also when a
		// (spoofed or real) alias key is present.
		{"read a secret value", iamRequest{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:" + region + ":" + acct + ":secret:ai-tools/production/aurora-master-password-AbCdEf", nil}, "deny"},
		{"read a secret value, alias key present", iamRequest{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:" + region + ":" + acct + ":secret:x", stateKey}, "deny"},
		{"batch-read secret values", iamRequest{"secretsmanager:BatchGetSecretValue", "*", nil}, "deny"},
		{"read an SSM parameter", iamRequest{"ssm:GetParameter", "arn:aws:ssm:" + region + ":" + acct + ":parameter/ai-tools/db-password", nil}, "deny"},
		{"read AWS's public AMI parameter", iamRequest{"ssm:GetParameter", "arn:aws:ssm:" + region + "::parameter/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended", nil}, "allow"},
		{"decrypt with the secrets key", iamRequest{"kms:Decrypt", "arn:aws:kms:" + region + ":" + acct + ":key/2222", map[string][]string{"kms:ResourceAliases": {"alias/ai-tools-production-secrets"}}}, "deny"},
		{"decrypt with an unaliased key", iamRequest{"kms:Decrypt", "arn:aws:kms:" + region + ":" + acct + ":key/3333", nil}, "deny"},
		{"generate a random password (aurora, elasticache)", iamRequest{"secretsmanager:GetRandomPassword", "*", nil}, "allow"},
		{"describe a secret (metadata, no value)", iamRequest{"secretsmanager:DescribeSecret", "arn:aws:secretsmanager:" + region + ":" + acct + ":secret:x", nil}, "allow"},
	}
	for _, tc := range cases {
		if got, sid := decide(plan, tc.req); got != tc.want {
			t.Errorf("plan role, %s (%s on %s): %s by %q, want %s", tc.name, tc.req.action, tc.req.resource, got, sid, tc.want)
		}
	}

	// The apply role still locks and writes state.
	apply := [][]iamStatement{m.docs["state"], m.docs["apply"]}
	for _, r := range []iamRequest{
		{"s3:PutObject", bucket + "/production/eu-central-1/aurora/terraform.tfstate.tflock", nil},
		{"s3:DeleteObject", bucket + "/production/eu-central-1/aurora/terraform.tfstate.tflock", nil},
		{"dynamodb:PutItem", table, nil},
		{"kms:GenerateDataKey", "arn:aws:kms:" + region + ":" + acct + ":key/1111", stateKey},
	} {
		if got, _ := decide(apply, r); got != "allow" {
			t.Errorf("apply role, %s on %s: %s, want allow", r.action, r.resource, got)
		}
	}
}

// TestRoleTrust: the plan role trusts only this repository's pull requests (and its
// main branch, for push plans and drift); the apply role only a deployment of main in
// an environment. A subject of another repository, a fork's branch or a wildcard
// fails the module's preconditions.
func TestRoleTrust(t *testing.T) {
	in := liveOIDCInputs(t)
	m := loadOIDCModule(t, in)
	repo := str(in["github_repository"])
	subject := func(doc string) []string {
		for _, s := range m.docs[doc] {
			for _, c := range s.conditions {
				if strings.HasSuffix(c.variable, ":sub") {
					return c.values
				}
			}
		}
		return nil
	}
	token := func(sub string) map[string][]string {
		return map[string][]string{"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}, "token.actions.githubusercontent.com:sub": {sub}}
	}
	assume := func(doc, sub string) string {
		got, _ := decide([][]iamStatement{m.docs[doc]}, iamRequest{"sts:AssumeRoleWithWebIdentity", "*", token(sub)})
		return got
	}
	for sub, want := range map[string]string{
		"repo:" + repo + ":pull_request":                       "allow",
		"repo:" + repo + ":ref:refs/heads/main":                "allow",
		"repo:" + repo + ":ref:refs/heads/feature":             "implicit",
		"repo:" + repo + ":environment:production":             "implicit",
		"repo:someone/fork:pull_request":                       "implicit",
		"repo:" + repo + "-evil:pull_request":                  "implicit",
		"repo:" + repo + ":ref:refs/heads/main-but-not-really": "implicit",
	} {
		if got := assume("trust_plan", sub); got != want {
			t.Errorf("plan role assumed by %s: %s, want %s", sub, got, want)
		}
	}
	for _, sub := range subject("trust_apply") {
		if !strings.HasPrefix(sub, "repo:"+repo+":environment:") {
			t.Errorf("apply role trusts %s", sub)
		}
	}
	if got := assume("trust_apply", "repo:"+repo+":pull_request"); got != "implicit" {
		t.Errorf("apply role assumed by a pull request: %s", got)
	}

	// The preconditions: live's subjects pass; foreign or wildcard ones fail.
	check := func(role string, subjects ...string) bool {
		t.Helper()
		vars := m.ctx.Variables["var"].AsValueMap()
		key := map[string]string{"plan": "plan_subjects", "apply": "apply_subjects"}[role]
		vals := make([]cty.Value, len(subjects))
		for i, s := range subjects {
			vals[i] = cty.StringVal(s)
		}
		vars[key] = cty.ListVal(vals)
		ctx := m.ctx.NewChild()
		ctx.Variables = map[string]cty.Value{"var": cty.ObjectVal(vars), "local": m.ctx.Variables["local"]}
		ok := true
		for _, e := range m.conditions[role] {
			v, diags := e.Value(ctx)
			if diags.HasErrors() {
				t.Fatalf("%s precondition: %v", role, diags)
			}
			ok = ok && v.True()
		}
		return ok
	}
	if len(m.conditions["plan"]) == 0 || len(m.conditions["apply"]) == 0 {
		t.Fatal("the roles have no trust preconditions")
	}
	if !check("plan", list(in["plan_subjects"])...) || !check("apply", list(in["apply_subjects"])...) {
		t.Error("live's own subjects fail the preconditions")
	}
	for _, bad := range []string{"repo:someone/fork:pull_request", "repo:" + repo + ":*", "repo:" + repo + ":ref:refs/heads/*", "repo:" + repo + ":environment:production"} {
		if check("plan", bad) {
			t.Errorf("plan subject %s passes the precondition", bad)
		}
	}
	for _, bad := range []string{"repo:" + repo + ":pull_request", "repo:someone/fork:environment:production", "repo:" + repo + ":ref:refs/heads/main"} {
		if check("apply", bad) {
			t.Errorf("apply subject %s passes the precondition", bad)
		}
	}
	var sids []string
	for _, s := range m.docs["plan_guard"] {
		sids = append(sids, s.sid)
	}
	sort.Strings(sids)
	t.Logf("plan guard statements: %v", sids)
}

// TestNoModuleReadsSecretValues: no platform module reads a stored secret value with a
// data source, which the plan role may not do (issue 14: the ElastiCache auth token and
// the Aurora master password were read at plan time).
func TestNoModuleReadsSecretValues(t *testing.T) {
	readers := map[string]bool{
		"aws_secretsmanager_secret_version":  true,
		"aws_secretsmanager_secrets":         false, // names only
		"aws_kms_secrets":                    true,
		"aws_ssm_parameter":                  true,
		"aws_ssm_parameters_by_path":         true,
		"aws_secretsmanager_random_password": false, // a generator, not a stored secret
	}
	p := hclparse.NewParser()
	n := 0
	for _, dir := range moduleDirs(t) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		for _, f := range files {
			file, diags := p.ParseHCLFile(f)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			c, _, _ := file.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "data", LabelNames: []string{"type", "name"}}}})
			for _, b := range c.Blocks {
				n++
				if readers[b.Labels[0]] {
					t.Errorf("%s: data %q %q reads a secret value at plan time", b.DefRange, b.Labels[0], b.Labels[1])
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no data source found in any module: the scan is broken")
	}
}
