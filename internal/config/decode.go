package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// evalBody evaluates everything in body but include, locals and dependency blocks,
// in Terragrunt's order: inputs, the attributes its early parse reads, the other
// top-level attributes, then the blocks and the generate attribute. depVar is the
// resolved dependency variable; when NilVal (an exposed include) the body's own
// dependencies are resolved.
func (s *scope) evalBody(body *hclsyntax.Body, locals, includeVar cty.Value, ownDeps []Dependency, depVar cty.Value) (*Config, hcl.Diagnostics) {
	if depVar == cty.NilVal {
		deps := append([]Dependency(nil), ownDeps...)
		var d hcl.Diagnostics
		depVar, d = s.resolveDependencies(deps)
		if d.HasErrors() {
			return nil, d
		}
		ownDeps = deps
	}
	ctx := s.evalContext(vars(locals, includeVar, depVar))
	cfg := &Config{
		Inputs:     cty.EmptyObjectVal,
		Locals:     locals,
		Dependency: ownDeps,
	}
	var diags hcl.Diagnostics
	if _, ok := body.Attributes["inputs"]; ok {
		if v := optObjectPartial(body, "inputs", ctx, &diags, s.u.e.opts.Render); !v.IsNull() {
			cfg.Inputs = v
		}
	}
	early := decodeEarlyAttributes(body, ctx, cfg)
	decodeTopAttributes(body, ctx, cfg, &diags)
	s.decodeBlocks(body, ctx, cfg, &diags)
	if a, ok := body.Attributes["generate"]; ok {
		cfg.Generate = append(cfg.Generate, decodeGenerateAttr(a, ctx, &diags)...)
	}
	diags = append(diags, checkGenerateNames(cfg.Generate, body)...)
	return cfg, s.tolerateInRender(diags, early)
}

// decodeEarlyAttributes decodes iam_role, iam_web_identity_token and
// prevent_destroy, which Terragrunt reads in its early partial parse. Their
// diagnostics are returned apart: that parse tolerates nothing, so a render fails
// on them (tolerateInRender).
func decodeEarlyAttributes(b *hclsyntax.Body, ctx *hcl.EvalContext, cfg *Config) hcl.Diagnostics {
	diags := earlyAttributes(b)
	cfg.IAMRole = optString(b, "iam_role", ctx, &diags)
	cfg.IAMWebIdentityToken = optString(b, "iam_web_identity_token", ctx, &diags)
	cfg.PreventDestroy = optBool(b, "prevent_destroy", ctx, &diags)
	return diags
}

// decodeTopAttributes decodes the other top-level attributes but inputs and generate.
func decodeTopAttributes(b *hclsyntax.Body, ctx *hcl.EvalContext, cfg *Config, diags *hcl.Diagnostics) {
	cfg.IAMAssumeRoleDuration = optInt(b, "iam_assume_role_duration", ctx, diags)
	cfg.IAMAssumeRoleSessionName = optString(b, "iam_assume_role_session_name", ctx, diags)
	cfg.Skip = optBool(b, "skip", ctx, diags)
	cfg.TerraformBinary = optString(b, "terraform_binary", ctx, diags)
	cfg.TerraformVersionConstraint = optString(b, "terraform_version_constraint", ctx, diags)
	cfg.TerragruntVersionConstraint = optString(b, "terragrunt_version_constraint", ctx, diags)
	cfg.DownloadDir = optString(b, "download_dir", ctx, diags)
	cfg.RetryableErrors = optStrings(b, "retryable_errors", ctx, diags)
	cfg.RetryMaxAttempts = optInt(b, "retry_max_attempts", ctx, diags)
	cfg.RetrySleepIntervalSec = optInt(b, "retry_sleep_interval_sec", ctx, diags)
}

// decodeBlocks decodes the blocks of body that evalBody evaluates, in file order.
func (s *scope) decodeBlocks(b *hclsyntax.Body, ctx *hcl.EvalContext, cfg *Config, diags *hcl.Diagnostics) {
	for _, blk := range b.Blocks {
		switch blk.Type {
		case "terraform":
			cfg.Terraform = s.decodeTerraform(blk.Body, ctx, diags)
		case "remote_state":
			cfg.RemoteState = decodeRemoteState(blk.Body, ctx, diags, s.u.e.opts.Render)
		case "generate":
			if g := decodeGenerate(blk.Labels[0], blk.Body, ctx, diags); g != nil {
				cfg.Generate = append(cfg.Generate, *g)
			}
		case "dependencies":
			cfg.Dependencies = append(cfg.Dependencies, s.decodeDependenciesPaths(blk.Body, ctx, diags)...)
		case "errors":
			cfg.Errors = decodeErrors(blk.Body, ctx, diags)
		case "exclude":
			if ex := decodeExclude(blk.Body, ctx, diags); ex != nil {
				cfg.Exclude = ex
			}
		}
	}
}

// decodeDependenciesPaths decodes a dependencies block into clean absolute paths,
// reporting those that name no folder (Terragrunt refuses these too).
func (s *scope) decodeDependenciesPaths(body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) []string {
	*diags = append(*diags, checkAttrs(body, "dependencies", []string{"paths"}, "paths")...)
	var paths, missing []string
	for _, p := range optStrings(body, "paths", ctx, diags) {
		p = s.abs(p)
		if !dirExists(s.u.e.opts.FS, p) {
			missing = append(missing, p)
		}
		paths = append(paths, p)
	}
	if len(missing) > 0 {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Dependencies not found",
			Detail:   fmt.Sprintf("dependencies.paths names folders that do not exist: %s.", strings.Join(missing, ", ")),
			Subject:  body.Attributes["paths"].Expr.Range().Ptr(),
		})
	}
	return paths
}

// decodeExclude decodes an exclude block; nil when its attributes are wrong.
func decodeExclude(body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Exclude {
	d := checkAttrs(body, "exclude", []string{"if", "actions"}, "if", "actions", "exclude_dependencies", "no_run")
	*diags = append(*diags, d...)
	if d.HasErrors() {
		return nil
	}
	ex := &Exclude{}
	if v := optBool(body, "if", ctx, diags); v != nil {
		ex.If = *v
	}
	ex.Actions = optStrings(body, "actions", ctx, diags)
	if v := optBool(body, "exclude_dependencies", ctx, diags); v != nil {
		ex.ExcludeDependencies = *v
	}
	ex.NoRun = optBool(body, "no_run", ctx, diags)
	return ex
}

// tolerateInRender appends the early attributes' diagnostics to diags and, as
// `terragrunt render` does, lets a file whose evaluation fails on an unsupported
// attribute render what evaluated (optObjectPartial kept it): its errors become
// warnings. Errors in the early attributes are never tolerated.
func (s *scope) tolerateInRender(diags, early hcl.Diagnostics) hcl.Diagnostics {
	diags = append(diags, early...)
	if !s.u.e.opts.Render || early.HasErrors() || !hasUnsupportedAttribute(diags) {
		return diags
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			s.u.warnings = append(s.u.warnings, d)
		}
	}
	return nil
}

// earlyAttributes reports iam_role, iam_web_identity_token or prevent_destroy
// referring to a dependency: Terragrunt reads them before dependencies exist and
// refuses such a file ("There is no variable named \"dependency\"").
func earlyAttributes(b *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range []string{"iam_role", "iam_web_identity_token", "prevent_destroy"} {
		a, ok := b.Attributes[name]
		if !ok {
			continue
		}
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() == "dependency" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown variable",
					Detail: fmt.Sprintf("%s cannot refer to a dependency: Terragrunt reads it before dependencies are evaluated "+
						"(and refuses this file too); use a local or a literal value.", name),
					Subject: tr.SourceRange().Ptr(),
				})
				break
			}
		}
	}
	return diags
}
