package config

import (
	"slices"
	"strconv"

	"github.com/zclconf/go-cty/cty"
)

// mergeConfig merges child over parent the way Terragrunt merges an included config:
// shallow (child attributes and blocks replace the parent's, inputs merge by key,
// named blocks merge by name) or deep (maps merge recursively, lists concatenate).
// Either may be nil.
func mergeConfig(parent, child *Config, deep bool) *Config {
	if parent == nil {
		c := *child
		return &c
	}
	out := *parent
	if child.Terraform != nil {
		out.Terraform = mergeTerraform(parent.Terraform, child.Terraform, deep)
	}
	if child.RemoteState != nil {
		out.RemoteState = mergeRemoteState(parent.RemoteState, child.RemoteState, deep)
	}
	out.Generate = mergeGenerate(parent.Generate, child.Generate)
	// dependencies.paths are a union whatever the strategy, as in Terragrunt (its
	// shallow merge also merges them): an include's paths are edges of the graph.
	out.Dependencies = appendUnique(parent.Dependencies, child.Dependencies)
	if deep {
		out.Inputs = deepMerge(parent.Inputs, child.Inputs, true)
	} else {
		out.Inputs = shallowMerge(parent.Inputs, child.Inputs)
	}
	out.Dependency = mergeDependencyList(parent.Dependency, child.Dependency, deep)
	if child.IAMRole != "" {
		out.IAMRole = child.IAMRole
	}
	if child.IAMAssumeRoleDuration != nil {
		out.IAMAssumeRoleDuration = child.IAMAssumeRoleDuration
	}
	if child.IAMAssumeRoleSessionName != "" {
		out.IAMAssumeRoleSessionName = child.IAMAssumeRoleSessionName
	}
	if child.PreventDestroy != nil {
		out.PreventDestroy = child.PreventDestroy
	}
	if child.Skip != nil {
		out.Skip = child.Skip
	}
	out.Exclude = mergeExclude(parent.Exclude, child.Exclude, deep)
	out.Errors = mergeErrors(parent.Errors, child.Errors, deep)
	if child.IAMWebIdentityToken != "" {
		out.IAMWebIdentityToken = child.IAMWebIdentityToken
	}
	if child.TerraformBinary != "" {
		out.TerraformBinary = child.TerraformBinary
	}
	if child.TerraformVersionConstraint != "" {
		out.TerraformVersionConstraint = child.TerraformVersionConstraint
	}
	if child.TerragruntVersionConstraint != "" {
		out.TerragruntVersionConstraint = child.TerragruntVersionConstraint
	}
	if child.DownloadDir != "" {
		out.DownloadDir = child.DownloadDir
	}
	if child.RetryableErrors != nil {
		if deep {
			out.RetryableErrors = appendUnique(parent.RetryableErrors, child.RetryableErrors)
		} else {
			out.RetryableErrors = child.RetryableErrors
		}
	}
	if child.RetryMaxAttempts != nil {
		out.RetryMaxAttempts = child.RetryMaxAttempts
	}
	if child.RetrySleepIntervalSec != nil {
		out.RetrySleepIntervalSec = child.RetrySleepIntervalSec
	}
	out.Locals = child.Locals
	return &out
}

// mergeRemoteState merges a child's remote_state block over its parent's: a shallow
// merge takes the child's; a deep merge the child's with the configs deep-merged and
// the parent's generate where the child has none.
func mergeRemoteState(parent, child *RemoteState, deep bool) *RemoteState {
	if !deep || parent == nil {
		return child
	}
	merged := *child
	merged.Config = deepMerge(parent.Config, child.Config, true)
	if merged.Generate == nil {
		merged.Generate = parent.Generate
	}
	return &merged
}

// mergeTerraform merges a child's terraform block over its parent's as Terragrunt
// does: source and copy_terraform_lock_file from the child when it sets
// them, named blocks by name; include_in_copy and exclude_from_copy the parent's
// under a shallow merge, the child's then the parent's under a deep merge; mutable
// and update_source_with_cas the parent's.
func mergeTerraform(parent, child *Terraform, deep bool) *Terraform {
	if parent == nil {
		return child
	}
	out := *parent
	out.dir = parent.dir
	if child.SourceSet {
		out.Source, out.SourceSet = child.Source, true
		out.dir = child.dir
	}
	if deep && child.IncludeInCopy != nil {
		out.IncludeInCopy = append(append([]string{}, child.IncludeInCopy...), parent.IncludeInCopy...)
	}
	if deep && child.ExcludeFromCopy != nil {
		out.ExcludeFromCopy = append(append([]string{}, child.ExcludeFromCopy...), parent.ExcludeFromCopy...)
	}
	if child.CopyTerraformLockFile != nil {
		out.CopyTerraformLockFile = child.CopyTerraformLockFile
	}
	out.ExtraArguments = mergeNamed(parent.ExtraArguments, child.ExtraArguments, func(e ExtraArguments) string { return e.Name })
	out.BeforeHooks = mergeNamed(parent.BeforeHooks, child.BeforeHooks, func(h Hook) string { return h.Name })
	out.AfterHooks = mergeNamed(parent.AfterHooks, child.AfterHooks, func(h Hook) string { return h.Name })
	out.ErrorHooks = mergeNamed(parent.ErrorHooks, child.ErrorHooks, func(h ErrorHook) string { return h.Name })
	return &out
}

// mergeNamed merges named blocks: the child's replace the parent's of the same name in
// place, new ones are appended.
func mergeNamed[T any](parent, child []T, name func(T) string) []T {
	if len(child) == 0 {
		return parent
	}
	out := append([]T(nil), parent...)
	for _, c := range child {
		if i := slices.IndexFunc(out, func(p T) bool { return name(p) == name(c) }); i >= 0 {
			out[i] = c
		} else {
			out = append(out, c)
		}
	}
	return out
}

// sameGenerateNames lists, quoted, the names of generate blocks both a and b hold.
func sameGenerateNames(a, b []Generate) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x.Name == y.Name {
				out = append(out, strconv.Quote(x.Name))
				break
			}
		}
	}
	return out
}

func mergeGenerate(parent, child []Generate) []Generate {
	return mergeNamed(parent, child, func(g Generate) string { return g.Name })
}

// mergeDependencyList merges dependency blocks by name. Shallow: the child's block
// replaces the parent's. Deep: attributes the child sets win, mock outputs merge.
func mergeDependencyList(parent, child []Dependency, deep bool) []Dependency {
	if !deep {
		return mergeNamed(parent, child, func(d Dependency) string { return d.Name })
	}
	out := append([]Dependency(nil), parent...)
	for _, c := range child {
		found := false
		for i := range out {
			if out[i].Name != c.Name {
				continue
			}
			found = true
			// Terragrunt's deep merge: the parent's block, with what the child sets.
			m := out[i]
			if c.ConfigPath != "" {
				m.ConfigPath, m.Dir, m.rng = c.ConfigPath, c.Dir, c.rng
			}
			if !c.Enabled {
				m.Enabled = false
			}
			if c.SkipOutputs {
				m.SkipOutputs = true
			}
			m.MockOutputs = deepMerge(out[i].MockOutputs, c.MockOutputs, true)
			m.MockOutputsAllowedTerraformCommands = appendUnique(out[i].MockOutputsAllowedTerraformCommands, c.MockOutputsAllowedTerraformCommands)
			out[i] = m
		}
		if !found {
			out = append(out, c)
		}
	}
	return out
}

func shallowMerge(parent, child cty.Value) cty.Value {
	if parent.IsNull() || !parent.IsKnown() || len(parent.AsValueMap()) == 0 {
		return child
	}
	if child.IsNull() || !child.IsKnown() || len(child.AsValueMap()) == 0 {
		return parent
	}
	m := parent.AsValueMap()
	for k, v := range child.AsValueMap() {
		m[k] = v
	}
	return cty.ObjectVal(m)
}

// deepMerge merges child into parent: objects and maps recursively; lists and tuples
// concatenate when concatLists, otherwise the child's win; anything else the child wins.
func deepMerge(parent, child cty.Value, concatLists bool) cty.Value {
	if parent == cty.NilVal || parent.IsNull() {
		return child
	}
	if child == cty.NilVal || child.IsNull() {
		return parent
	}
	pt, ct := parent.Type(), child.Type()
	isMap := func(t cty.Type) bool { return t.IsObjectType() || t.IsMapType() }
	isList := func(t cty.Type) bool { return t.IsListType() || t.IsTupleType() }
	switch {
	case !child.IsKnown():
		// The child's value wins whatever it turns out to be.
		return child
	case !parent.IsKnown():
		// What the child merges into is not known, so neither is the result, unless
		// the child replaces it.
		if isMap(ct) || (concatLists && isList(ct)) {
			return cty.DynamicVal
		}
		return child
	case isMap(pt) && isMap(ct):
		m := map[string]cty.Value{}
		for k, v := range parent.AsValueMap() {
			m[k] = v
		}
		for k, v := range child.AsValueMap() {
			if pv, ok := m[k]; ok && !v.IsNull() {
				// A child's explicit null replaces the parent's value, as in Terragrunt.
				m[k] = deepMerge(pv, v, concatLists)
			} else {
				m[k] = v
			}
		}
		return cty.ObjectVal(m)
	case concatLists && isList(pt) && isList(ct):
		vals := append(parent.AsValueSlice(), child.AsValueSlice()...)
		return cty.TupleVal(vals)
	}
	return child
}

func appendUnique(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
