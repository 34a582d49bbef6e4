package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// decodeTerraform decodes the terraform block: its attributes, then its
// extra_arguments and hook blocks in file order.
func (s *scope) decodeTerraform(body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Terraform {
	*diags = append(*diags, checkAttrs(body, "terraform", nil, "source", "include_in_copy", "exclude_from_copy", "copy_terraform_lock_file",
		"version", "update_source_with_cas", "mutable")...)
	t := &Terraform{dir: s.terragruntDir}
	if d := sourceUsesDependency(body); d != nil {
		*diags = append(*diags, d)
		return t
	}
	t.Source = optString(body, "source", ctx, diags)
	_, t.SourceSet = body.Attributes["source"]
	if a, ok := body.Attributes["version"]; ok {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported argument",
			Detail:   "terraform.version is accepted by Terragrunt only with its version-attribute experiment; olechka has no experiments.",
			Subject:  a.NameRange.Ptr(),
		})
	}
	t.UpdateSourceWithCAS = optBool(body, "update_source_with_cas", ctx, diags)
	t.Mutable = optBool(body, "mutable", ctx, diags)
	t.IncludeInCopy = optStrings(body, "include_in_copy", ctx, diags)
	t.ExcludeFromCopy = optStrings(body, "exclude_from_copy", ctx, diags)
	t.CopyTerraformLockFile = optBool(body, "copy_terraform_lock_file", ctx, diags)
	for _, b := range body.Blocks {
		decodeTerraformBlock(t, b, ctx, diags)
	}
	return t
}

// sourceUsesDependency reports terraform.source referring to a dependency: as in
// Terragrunt, the source must be known before dependencies are.
func sourceUsesDependency(body *hclsyntax.Body) *hcl.Diagnostic {
	a, ok := body.Attributes["source"]
	if !ok {
		return nil
	}
	for _, tr := range a.Expr.Variables() {
		if tr.RootName() == "dependency" {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "terraform.source refers to a dependency",
				Detail:   "terraform.source cannot refer to dependency outputs: the module source must be known before dependencies are evaluated.",
				Subject:  tr.SourceRange().Ptr(),
			}
		}
	}
	return nil
}

// decodeTerraformBlock decodes one block of a terraform block into t.
func decodeTerraformBlock(t *Terraform, b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) {
	if len(b.Labels) != 1 {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing block label",
			Detail:   fmt.Sprintf("A %s block takes one label, its name.", b.Type),
			Subject:  b.TypeRange.Ptr(),
		})
		return
	}
	switch b.Type {
	case "extra_arguments":
		t.ExtraArguments = append(t.ExtraArguments, decodeExtraArguments(b, ctx, diags))
	case "before_hook":
		t.BeforeHooks = append(t.BeforeHooks, decodeHook(b, ctx, diags))
	case "after_hook":
		t.AfterHooks = append(t.AfterHooks, decodeHook(b, ctx, diags))
	case "error_hook":
		t.ErrorHooks = append(t.ErrorHooks, decodeErrorHook(b, ctx, diags))
	default:
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported block type",
			Detail:   fmt.Sprintf("Blocks of type %q are not expected in a terraform block.", b.Type),
			Subject:  b.TypeRange.Ptr(),
		})
	}
}

// decodeExtraArguments decodes an extra_arguments block.
func decodeExtraArguments(b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) ExtraArguments {
	*diags = append(*diags, checkAttrs(b.Body, "extra_arguments", []string{"commands"}, "commands", "arguments", "required_var_files", "optional_var_files", "env_vars")...)
	ea := ExtraArguments{Name: b.Labels[0]}
	ea.Commands = optStrings(b.Body, "commands", ctx, diags)
	ea.Arguments = optStrings(b.Body, "arguments", ctx, diags)
	ea.RequiredVarFiles = optStrings(b.Body, "required_var_files", ctx, diags)
	ea.OptionalVarFiles = optStrings(b.Body, "optional_var_files", ctx, diags)
	if a, ok := b.Body.Attributes["env_vars"]; ok {
		*diags = append(*diags, evalInto(a, ctx, &ea.EnvVars)...)
	}
	return ea
}

// decodeHook decodes a before_hook or after_hook block.
func decodeHook(b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) Hook {
	*diags = append(*diags, checkAttrs(b.Body, b.Type, []string{"commands", "execute"}, "commands", "execute", "working_dir", "run_on_error", "suppress_stdout", "if")...)
	h := Hook{Name: b.Labels[0]}
	h.Commands = optStrings(b.Body, "commands", ctx, diags)
	h.Execute = optStrings(b.Body, "execute", ctx, diags)
	*diags = append(*diags, checkExecute(b, h.Execute)...)
	h.WorkingDir = optString(b.Body, "working_dir", ctx, diags)
	h.RunOnError = optBool(b.Body, "run_on_error", ctx, diags)
	h.SuppressStdout = optBool(b.Body, "suppress_stdout", ctx, diags)
	h.If = optBool(b.Body, "if", ctx, diags)
	return h
}

// decodeErrorHook decodes an error_hook block.
func decodeErrorHook(b *hclsyntax.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) ErrorHook {
	*diags = append(*diags, checkAttrs(b.Body, b.Type, []string{"commands", "execute", "on_errors"}, "commands", "execute", "on_errors")...)
	h := ErrorHook{Name: b.Labels[0]}
	h.Commands = optStrings(b.Body, "commands", ctx, diags)
	h.Execute = optStrings(b.Body, "execute", ctx, diags)
	*diags = append(*diags, checkExecute(b, h.Execute)...)
	h.OnErrors = optStrings(b.Body, "on_errors", ctx, diags)
	return h
}

// checkExecute reports a hook whose execute is empty or starts with "", which
// Terragrunt refuses ("Need at least one non-empty argument in 'execute'").
func checkExecute(b *hclsyntax.Block, execute []string) hcl.Diagnostics {
	a, ok := b.Body.Attributes["execute"]
	if !ok || (len(execute) > 0 && execute[0] != "") {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Empty hook command",
		Detail:   fmt.Sprintf("%s %q: execute needs at least one non-empty argument, the command to run (Terragrunt refuses this too).", b.Type, b.Labels[0]),
		Subject:  a.Expr.Range().Ptr(),
	}}
}
