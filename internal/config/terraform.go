package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func (s *scope) decodeTerraform(body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Terraform {
	*diags = append(*diags, checkAttrs(body, "terraform", nil, "source", "include_in_copy", "exclude_from_copy", "copy_terraform_lock_file",
		"version", "update_source_with_cas", "mutable")...)
	t := &Terraform{dir: s.terragruntDir}
	if a, ok := body.Attributes["source"]; ok {
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() == "dependency" {
				// As Terragrunt: the source must be known before dependencies are.
				*diags = append(*diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "terraform.source refers to a dependency",
					Detail:   "terraform.source cannot refer to dependency outputs: the module source must be known before dependencies are evaluated.",
					Subject:  tr.SourceRange().Ptr(),
				})
				return t
			}
		}
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
		if len(b.Labels) != 1 {
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing block label",
				Detail:   fmt.Sprintf("A %s block takes one label, its name.", b.Type),
				Subject:  b.TypeRange.Ptr(),
			})
			continue
		}
		name := b.Labels[0]
		switch b.Type {
		case "extra_arguments":
			*diags = append(*diags, checkAttrs(b.Body, "extra_arguments", []string{"commands"}, "commands", "arguments", "required_var_files", "optional_var_files", "env_vars")...)
			ea := ExtraArguments{Name: name}
			ea.Commands = optStrings(b.Body, "commands", ctx, diags)
			ea.Arguments = optStrings(b.Body, "arguments", ctx, diags)
			ea.RequiredVarFiles = optStrings(b.Body, "required_var_files", ctx, diags)
			ea.OptionalVarFiles = optStrings(b.Body, "optional_var_files", ctx, diags)
			if a, ok := b.Body.Attributes["env_vars"]; ok {
				*diags = append(*diags, evalInto(a, ctx, &ea.EnvVars)...)
			}
			t.ExtraArguments = append(t.ExtraArguments, ea)
		case "before_hook", "after_hook":
			*diags = append(*diags, checkAttrs(b.Body, b.Type, []string{"commands", "execute"}, "commands", "execute", "working_dir", "run_on_error", "suppress_stdout", "if")...)
			h := Hook{Name: name}
			h.Commands = optStrings(b.Body, "commands", ctx, diags)
			h.Execute = optStrings(b.Body, "execute", ctx, diags)
			*diags = append(*diags, checkExecute(b, h.Execute)...)
			h.WorkingDir = optString(b.Body, "working_dir", ctx, diags)
			h.RunOnError = optBool(b.Body, "run_on_error", ctx, diags)
			h.SuppressStdout = optBool(b.Body, "suppress_stdout", ctx, diags)
			h.If = optBool(b.Body, "if", ctx, diags)
			if b.Type == "before_hook" {
				t.BeforeHooks = append(t.BeforeHooks, h)
			} else {
				t.AfterHooks = append(t.AfterHooks, h)
			}
		case "error_hook":
			*diags = append(*diags, checkAttrs(b.Body, b.Type, []string{"commands", "execute", "on_errors"}, "commands", "execute", "on_errors")...)
			h := ErrorHook{Name: name}
			h.Commands = optStrings(b.Body, "commands", ctx, diags)
			h.Execute = optStrings(b.Body, "execute", ctx, diags)
			*diags = append(*diags, checkExecute(b, h.Execute)...)
			h.OnErrors = optStrings(b.Body, "on_errors", ctx, diags)
			t.ErrorHooks = append(t.ErrorHooks, h)
		default:
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported block type",
				Detail:   fmt.Sprintf("Blocks of type %q are not expected in a terraform block.", b.Type),
				Subject:  b.TypeRange.Ptr(),
			})
		}
	}
	return t
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
