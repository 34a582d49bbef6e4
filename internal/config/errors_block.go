package config

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Errors is the errors block: rules that retry or ignore a failed OpenTofu command.
type Errors struct {
	Retry  []RetryRule
	Ignore []IgnoreRule
}

// RetryRule is an errors.retry block.
type RetryRule struct {
	Name             string
	RetryableErrors  []string
	MaxAttempts      int64
	SleepIntervalSec int64
}

// IgnoreRule is an errors.ignore block.
type IgnoreRule struct {
	Name            string
	IgnorableErrors []string
	Message         string
	// Signals are the values written to error-signals.json when the rule applies,
	// each rendered as a string, as Terragrunt renders them.
	Signals map[string]string
}

// decodeErrors decodes an errors block: retry "NAME" { retryable_errors, max_attempts,
// sleep_interval_sec } and ignore "NAME" { ignorable_errors, message, signals }.
func decodeErrors(body *hclsyntax.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Errors {
	d := checkAttrs(body, "errors", nil)
	*diags = append(*diags, d...)
	out := &Errors{}
	seen := map[string]bool{}
	for _, b := range body.Blocks {
		if (b.Type != "retry" && b.Type != "ignore") || len(b.Labels) != 1 {
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported block type",
				Detail:   fmt.Sprintf("An errors block holds retry \"NAME\" and ignore \"NAME\" blocks, not %s with %d labels.", b.Type, len(b.Labels)),
				Subject:  b.TypeRange.Ptr(),
			})
			continue
		}
		key := b.Type + "." + b.Labels[0]
		if seen[key] {
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate " + b.Type + " block",
				Detail:   fmt.Sprintf("errors has more than one %s block named %q.", b.Type, b.Labels[0]),
				Subject:  b.DefRange().Ptr(),
			})
			continue
		}
		seen[key] = true
		*diags = append(*diags, noBlocks(b.Body, b.Type)...)
		switch b.Type {
		case "retry":
			*diags = append(*diags, checkAttrs(b.Body, "retry", []string{"retryable_errors", "max_attempts", "sleep_interval_sec"},
				"retryable_errors", "max_attempts", "sleep_interval_sec")...)
			r := RetryRule{Name: b.Labels[0], RetryableErrors: optStrings(b.Body, "retryable_errors", ctx, diags)}
			if n := optInt(b.Body, "max_attempts", ctx, diags); n != nil {
				r.MaxAttempts = *n
			}
			if n := optInt(b.Body, "sleep_interval_sec", ctx, diags); n != nil {
				r.SleepIntervalSec = *n
			}
			out.Retry = append(out.Retry, r)
		case "ignore":
			*diags = append(*diags, checkAttrs(b.Body, "ignore", []string{"ignorable_errors"},
				"ignorable_errors", "message", "signals")...)
			r := IgnoreRule{Name: b.Labels[0], IgnorableErrors: optStrings(b.Body, "ignorable_errors", ctx, diags),
				Message: optString(b.Body, "message", ctx, diags)}
			if sig := optObject(b.Body, "signals", ctx, diags); !sig.IsNull() && sig.IsWhollyKnown() {
				r.Signals = map[string]string{}
				for k, v := range sig.AsValueMap() {
					sv, err := convert.Convert(v, cty.String)
					if err != nil || sv.IsNull() {
						*diags = append(*diags, &hcl.Diagnostic{
							Severity: hcl.DiagError,
							Summary:  "Invalid signals",
							Detail:   fmt.Sprintf("ignore %q: signals.%s must be a string, number or bool.", b.Labels[0], k),
							Subject:  b.Body.Attributes["signals"].Expr.Range().Ptr(),
						})
						continue
					}
					r.Signals[k] = sv.AsString()
				}
			}
			out.Ignore = append(out.Ignore, r)
		}
	}
	return out
}

// mergeErrors merges a child's errors block over its parent's as Terragrunt does:
// a shallow merge takes the child's block; a deep merge merges rules by name (the
// patterns of both, the child's attributes where it sets them).
func mergeErrors(parent, child *Errors, deep bool) *Errors {
	if child == nil {
		return parent
	}
	if parent == nil || !deep {
		return child
	}
	out := &Errors{Retry: append([]RetryRule(nil), parent.Retry...), Ignore: append([]IgnoreRule(nil), parent.Ignore...)}
	for _, c := range child.Retry {
		i := slices.IndexFunc(out.Retry, func(r RetryRule) bool { return r.Name == c.Name })
		if i < 0 {
			out.Retry = append(out.Retry, c)
			continue
		}
		r := out.Retry[i]
		r.RetryableErrors = appendUnique(r.RetryableErrors, c.RetryableErrors)
		if c.MaxAttempts > 0 {
			r.MaxAttempts = c.MaxAttempts
		}
		if c.SleepIntervalSec > 0 {
			r.SleepIntervalSec = c.SleepIntervalSec
		}
		out.Retry[i] = r
	}
	for _, c := range child.Ignore {
		i := slices.IndexFunc(out.Ignore, func(r IgnoreRule) bool { return r.Name == c.Name })
		if i < 0 {
			out.Ignore = append(out.Ignore, c)
			continue
		}
		r := out.Ignore[i]
		r.IgnorableErrors = appendUnique(r.IgnorableErrors, c.IgnorableErrors)
		if c.Message != "" {
			r.Message = c.Message
		}
		if c.Signals != nil {
			sig := map[string]string{}
			maps.Copy(sig, r.Signals)
			maps.Copy(sig, c.Signals)
			r.Signals = sig
		}
		out.Ignore[i] = r
	}
	return out
}

// mergeExclude merges a child's exclude block over its parent's: a shallow merge
// takes the child's; a deep merge takes the child's if, exclude_dependencies and
// no_run, and its actions when it lists any (Terragrunt's ExcludeConfig.Merge).
func mergeExclude(parent, child *Exclude, deep bool) *Exclude {
	if child == nil {
		return parent
	}
	if parent == nil || !deep {
		return child
	}
	out := *parent
	out.If = child.If
	if len(child.Actions) > 0 {
		out.Actions = child.Actions
	}
	out.ExcludeDependencies = child.ExcludeDependencies
	out.NoRun = child.NoRun
	return &out
}

// render renders the errors block as `terragrunt render --json` does: retry and
// ignore as lists of rules, null when there are none.
func (e *Errors) render() map[string]any {
	var retry, ignore any
	if len(e.Retry) > 0 {
		l := make([]any, len(e.Retry))
		for i, r := range e.Retry {
			l[i] = map[string]any{"name": r.Name, "retryable_errors": orEmptyList(r.RetryableErrors),
				"max_attempts": r.MaxAttempts, "sleep_interval_sec": r.SleepIntervalSec}
		}
		retry = l
	}
	if len(e.Ignore) > 0 {
		l := make([]any, len(e.Ignore))
		for i, r := range e.Ignore {
			sig := map[string]any{}
			for k, v := range r.Signals {
				sig[k] = v
			}
			l[i] = map[string]any{"name": r.Name, "ignorable_errors": orEmptyList(r.IgnorableErrors),
				"message": r.Message, "signals": sig}
		}
		ignore = l
	}
	return map[string]any{"retry": retry, "ignore": ignore}
}

func orEmptyList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
