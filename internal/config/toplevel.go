package config

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// topAttributes and topBlocks list the attributes and blocks a Terragrunt file may hold.
var (
	topAttributes = map[string]bool{
		"inputs": true, "iam_role": true, "iam_assume_role_duration": true,
		"iam_assume_role_session_name": true, "iam_web_identity_token": true,
		"prevent_destroy": true, "skip": true, "terraform_binary": true,
		"terraform_version_constraint": true, "terragrunt_version_constraint": true,
		"download_dir": true, "retryable_errors": true, "retry_max_attempts": true,
		"retry_sleep_interval_sec": true, "generate": true,
	}
	topBlocks = map[string]int{ // block type -> number of labels (-1: 0 or 1)
		"include": -1, "locals": 0, "terraform": 0, "remote_state": 0, "generate": 1,
		"dependency": 1, "dependencies": 0, "exclude": 0, "errors": 0, "feature": 1,
		"engine": 0, "catalog": 0,
	}
)

// checkTopLevel reports top-level attributes and blocks a Terragrunt file may not
// hold, blocks with the wrong number of labels and duplicates of single blocks.
func checkTopLevel(body *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for name, a := range body.Attributes {
		if !topAttributes[name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported argument",
				Detail:   fmt.Sprintf("An argument named %q is not expected in a Terragrunt configuration.", name),
				Subject:  a.NameRange.Ptr(),
			})
		}
	}
	diags = append(diags, checkDependencyInputs(body)...)
	seen := map[string]hcl.Range{}
	for _, b := range body.Blocks {
		n, ok := topBlocks[b.Type]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported block type",
				Detail:   fmt.Sprintf("Blocks of type %q are not expected in a Terragrunt configuration.", b.Type),
				Subject:  b.TypeRange.Ptr(),
			})
			continue
		}
		if (n >= 0 && len(b.Labels) != n) || (n < 0 && len(b.Labels) > 1) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Wrong number of block labels",
				Detail:   fmt.Sprintf("A %s block takes %s.", b.Type, labelsText(n)),
				Subject:  b.TypeRange.Ptr(),
			})
			continue
		}
		switch b.Type {
		case "locals", "terraform", "remote_state", "dependencies", "exclude", "errors", "engine", "catalog":
			if prev, dup := seen[b.Type]; dup {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate " + b.Type + " block",
					Detail:   fmt.Sprintf("Only one %s block is allowed; another is at %s.", b.Type, prev),
					Subject:  b.TypeRange.Ptr(),
				})
			}
			seen[b.Type] = b.TypeRange
		}
	}
	return diags
}

// checkDependencyInputs reports dependency.NAME.inputs in a top-level attribute,
// which Terragrunt v1 refuses (it used to parse the dependency's configuration).
func checkDependencyInputs(body *hclsyntax.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, n := range slices.Sorted(maps.Keys(body.Attributes)) {
		for _, tr := range body.Attributes[n].Expr.Variables() {
			if len(tr) < 3 || tr.RootName() != "dependency" {
				continue
			}
			if a, ok := tr[2].(hcl.TraverseAttr); ok && a.Name == "inputs" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Dependency inputs are not supported",
					Detail:   "Reading inputs from dependencies is no longer supported (as in Terragrunt v1): use the dependency's outputs, dependency.NAME.outputs.X.",
					Subject:  tr.SourceRange().Ptr(),
				})
			}
		}
	}
	return diags
}

func labelsText(n int) string {
	switch n {
	case 0:
		return "no labels"
	case 1:
		return "one label"
	}
	return "zero or one label"
}
