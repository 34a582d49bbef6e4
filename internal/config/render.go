package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// RenderKey is the top-level key under which olechka's own facts are rendered.
const RenderKey = "olechka"

// Render returns the unit in the shape of `terragrunt render --json`, plus olechka's
// facts under RenderKey: path, files read, fingerprint, source hash, mocked dependencies.
func (u *Unit) Render() map[string]any {
	m := renderConfig(u.Config, jsonValue)
	files := make([]string, len(u.Files))
	copy(files, u.Files)
	mocked := u.MockedDependencies()
	if mocked == nil {
		mocked = []string{}
	}
	m[RenderKey] = map[string]any{
		"path":                u.Path,
		"files_read":          files,
		"fingerprint":         u.Fingerprint,
		"source_dir":          u.SourceDir,
		"source_hash":         u.SourceHash,
		"mocked_dependencies": mocked,
		"env":                 u.Env,
		"region":              u.Region,
		"tier":                u.Tier,
		"account_id":          u.AccountID,
	}
	return m
}

// jsonValue converts a cty value to plain Go values (map[string]any, []any,
// json.Number, string, bool, nil).
func jsonValue(v cty.Value) any {
	r := rawJSON(v)
	raw, ok := r.(json.RawMessage)
	if !ok {
		return r
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return nil
	}
	return out
}

// rawJSON converts a cty value to its JSON encoding, for hashing without decoding; a
// null is nil and a value not yet known a placeholder string.
func rawJSON(v cty.Value) any {
	if v == cty.NilVal || v.IsNull() {
		return nil
	}
	if !v.IsWhollyKnown() {
		return "(known after apply)"
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return nil
	}
	return json.RawMessage(b)
}

// renderConfig renders c in the shape of `terragrunt render --json`; jsonValue
// converts its cty values (jsonValue for plain Go values, rawJSON for hashing).
func renderConfig(c *Config, jsonValue func(cty.Value) any) map[string]any {
	m := map[string]any{
		"inputs":                        jsonValue(c.Inputs),
		"locals":                        jsonValue(c.Locals),
		"iam_role":                      c.IAMRole,
		"iam_web_identity_token":        c.IAMWebIdentityToken,
		"iam_assume_role_duration":      ptr(c.IAMAssumeRoleDuration),
		"iam_assume_role_session_name":  c.IAMAssumeRoleSessionName,
		"prevent_destroy":               ptr(c.PreventDestroy),
		"skip":                          ptr(c.Skip),
		"terraform_binary":              c.TerraformBinary,
		"terraform_version_constraint":  c.TerraformVersionConstraint,
		"terragrunt_version_constraint": c.TerragruntVersionConstraint,
		"download_dir":                  c.DownloadDir,
		"retryable_errors":              c.RetryableErrors,
		"retry_max_attempts":            ptr(c.RetryMaxAttempts),
		"retry_sleep_interval_sec":      ptr(c.RetrySleepIntervalSec),
		"terraform":                     nil,
		"remote_state":                  nil,
		"dependencies":                  nil,
		"dependency":                    renderDependencyBlocks(c.Dependency, jsonValue),
		"generate":                      renderGenerateBlocks(c.Generate),
		"exclude":                       nil,
		"errors":                        nil,
		"feature":                       renderFeatures(c.Features, jsonValue),
	}
	if c.Terraform != nil {
		m["terraform"] = renderTerraform(c.Terraform)
	}
	if c.RemoteState != nil {
		m["remote_state"] = renderRemoteState(c.RemoteState, jsonValue)
	}
	if len(c.Dependencies) > 0 {
		m["dependencies"] = map[string]any{"paths": c.Dependencies}
	}
	if c.Errors != nil {
		m["errors"] = c.Errors.render()
	}
	if ex := c.Exclude; ex != nil {
		m["exclude"] = map[string]any{"if": ex.If, "actions": ex.Actions, "exclude_dependencies": ex.ExcludeDependencies, "no_run": ptr(ex.NoRun)}
	}
	return m
}

// renderFeatures renders the feature blocks by name.
func renderFeatures(flags []FeatureFlag, jsonValue func(cty.Value) any) map[string]any {
	out := map[string]any{}
	for _, f := range flags {
		out[f.Name] = map[string]any{"name": f.Name, "default": jsonValue(f.Default)}
	}
	return out
}

// renderTerraform renders the terraform block, its named blocks by name.
func renderTerraform(t *Terraform) map[string]any {
	ea := map[string]any{}
	for _, e := range t.ExtraArguments {
		ea[e.Name] = map[string]any{
			"name": e.Name, "commands": e.Commands, "arguments": e.Arguments,
			"required_var_files": e.RequiredVarFiles, "optional_var_files": e.OptionalVarFiles,
			"env_vars": e.EnvVars,
		}
	}
	eh := map[string]any{}
	for _, h := range t.ErrorHooks {
		eh[h.Name] = map[string]any{"name": h.Name, "commands": h.Commands, "execute": h.Execute, "on_errors": h.OnErrors}
	}
	tf := map[string]any{
		"source":                   optSource(t),
		"include_in_copy":          t.IncludeInCopy,
		"exclude_from_copy":        t.ExcludeFromCopy,
		"copy_terraform_lock_file": ptr(t.CopyTerraformLockFile),
		"extra_arguments":          ea,
		"before_hook":              renderHooks(t.BeforeHooks),
		"after_hook":               renderHooks(t.AfterHooks),
		"error_hook":               eh,
	}
	// As Terragrunt: rendered only when set.
	if t.UpdateSourceWithCAS != nil {
		tf["update_source_with_cas"] = *t.UpdateSourceWithCAS
	}
	if t.Mutable != nil {
		tf["mutable"] = *t.Mutable
	}
	return tf
}

// renderHooks renders before_hook or after_hook blocks by name.
func renderHooks(hs []Hook) map[string]any {
	out := map[string]any{}
	for _, h := range hs {
		out[h.Name] = map[string]any{
			"name": h.Name, "commands": h.Commands, "execute": h.Execute,
			"working_dir": h.WorkingDir, "run_on_error": ptr(h.RunOnError),
			"suppress_stdout": ptr(h.SuppressStdout), "if": ptr(h.If),
		}
	}
	return out
}

// renderRemoteState renders the remote_state block.
func renderRemoteState(rs *RemoteState, jsonValue func(cty.Value) any) map[string]any {
	var gen any
	if rs.Generate != nil {
		gen = map[string]any{"path": rs.Generate.Path, "if_exists": rs.Generate.IfExists}
	}
	return map[string]any{
		"backend":                         rs.Backend,
		"config":                          jsonValue(rs.Config),
		"generate":                        gen,
		"disable_init":                    rs.DisableInit,
		"disable_dependency_optimization": rs.DisableDependencyOptimization,
		"encryption":                      jsonValue(rs.Encryption),
	}
}

// renderDependencyBlocks renders the dependency blocks by name, with their outputs.
func renderDependencyBlocks(deps []Dependency, jsonValue func(cty.Value) any) map[string]any {
	out := map[string]any{}
	for _, d := range deps {
		out[d.Name] = map[string]any{
			"name":         d.Name,
			"config_path":  d.ConfigPath,
			"enabled":      d.Enabled,
			"skip_outputs": d.SkipOutputs,
			"mock_outputs": jsonValue(d.MockOutputs),
			"mock_outputs_allowed_terraform_commands": d.MockOutputsAllowedTerraformCommands,
			"mock_outputs_merge_strategy_with_state":  d.MockOutputsMergeStrategyWithState,
			"outputs":                                 jsonValue(d.Outputs),
		}
	}
	return out
}

// renderGenerateBlocks renders the generate blocks by name.
func renderGenerateBlocks(gens []Generate) map[string]any {
	out := map[string]any{}
	for _, g := range gens {
		out[g.Name] = map[string]any{
			"path": g.Path, "if_exists": g.IfExists, "if_disabled": g.IfDisabled,
			"comment_prefix": g.CommentPrefix, "contents": g.Contents,
			"disable_signature": g.DisableSignature, "disable": g.Disable,
			"hcl_fmt": ptr(g.HCLFmt), "mutable": nil,
		}
	}
	return out
}

// optSource renders terraform.source: null when the block does not set it, the
// string otherwise ("" when it failed to evaluate at render), as Terragrunt does.
func optSource(t *Terraform) any {
	if !t.SourceSet && t.Source == "" {
		return nil
	}
	return t.Source
}

func ptr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// configValue is a config as a cty value: what read_terragrunt_config returns and
// what an exposed include offers (locals, inputs, dependency.NAME.outputs, and the
// other attributes under their render keys).
func configValue(c *Config) cty.Value {
	str := cty.StringVal
	null := cty.NullVal(cty.DynamicPseudoType)
	m := map[string]cty.Value{
		"locals":                        orEmptyObject(c.Locals),
		"inputs":                        orEmptyObject(c.Inputs),
		"iam_role":                      str(c.IAMRole),
		"prevent_destroy":               ctyOptBool(c.PreventDestroy),
		"skip":                          ctyOptBool(c.Skip),
		"terraform_binary":              str(c.TerraformBinary),
		"terraform_version_constraint":  str(c.TerraformVersionConstraint),
		"terragrunt_version_constraint": str(c.TerragruntVersionConstraint),
		"download_dir":                  str(c.DownloadDir),
		"terraform":                     null,
		"remote_state":                  null,
		"dependencies":                  null,
		"dependency":                    dependencyBlocksValue(c.Dependency),
		"generate":                      generateBlocksValue(c.Generate),
	}
	if t := c.Terraform; t != nil {
		m["terraform"] = cty.ObjectVal(map[string]cty.Value{"source": str(t.Source)})
	}
	if rs := c.RemoteState; rs != nil {
		m["remote_state"] = remoteStateValue(rs)
	}
	if len(c.Dependencies) > 0 {
		m["dependencies"] = cty.ObjectVal(map[string]cty.Value{"paths": ctyStrings(c.Dependencies)})
	}
	return cty.ObjectVal(m)
}

// remoteStateValue is the remote_state block as configValue offers it.
func remoteStateValue(rs *RemoteState) cty.Value {
	gen := cty.NullVal(cty.DynamicPseudoType)
	if rs.Generate != nil {
		gen = cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal(rs.Generate.Path), "if_exists": cty.StringVal(rs.Generate.IfExists)})
	}
	return cty.ObjectVal(map[string]cty.Value{
		"backend":                         cty.StringVal(rs.Backend),
		"config":                          orEmptyObject(rs.Config),
		"disable_init":                    cty.BoolVal(rs.DisableInit),
		"disable_dependency_optimization": cty.BoolVal(rs.DisableDependencyOptimization),
		"generate":                        gen,
		"encryption":                      orNull(rs.Encryption),
	})
}

// dependencyBlocksValue holds the attributes Terragrunt exposes of each dependency
// block (include.NAME.dependency.DEP.mock_outputs, ...).
func dependencyBlocksValue(deps []Dependency) cty.Value {
	out := map[string]cty.Value{}
	for _, d := range deps {
		cmds := cty.NullVal(cty.List(cty.String))
		if d.MockOutputsAllowedTerraformCommands != nil {
			cmds = ctyStrings(d.MockOutputsAllowedTerraformCommands)
		}
		out[d.Name] = cty.ObjectVal(map[string]cty.Value{
			"name":         cty.StringVal(d.Name),
			"config_path":  cty.StringVal(d.ConfigPath),
			"enabled":      cty.BoolVal(d.Enabled),
			"skip":         cty.BoolVal(d.SkipOutputs),
			"mock_outputs": orNull(d.MockOutputs),
			"mock_outputs_allowed_terraform_commands": cmds,
			"mock_outputs_merge_strategy_with_state":  cty.StringVal(d.MockOutputsMergeStrategyWithState),
			"outputs":                                 orNull(d.Outputs),
			"inputs":                                  cty.NullVal(cty.DynamicPseudoType),
		})
	}
	return cty.ObjectVal(out)
}

// generateBlocksValue is the generate blocks by name as configValue offers them.
func generateBlocksValue(gens []Generate) cty.Value {
	out := map[string]cty.Value{}
	for _, g := range gens {
		out[g.Name] = cty.ObjectVal(map[string]cty.Value{
			"path": cty.StringVal(g.Path), "if_exists": cty.StringVal(g.IfExists), "contents": cty.StringVal(g.Contents),
		})
	}
	return cty.ObjectVal(out)
}

// DeployedView is the part of a rendered unit that decides what it deploys: the render
// without locals (they only feed other values) and with dependencies reduced to their
// edges (mock outputs matter only through the inputs they feed).
func DeployedView(rendered map[string]any) map[string]any {
	out := make(map[string]any, len(rendered))
	for k, v := range rendered {
		switch k {
		case "locals", "feature", RenderKey:
			// locals and feature flags only feed other values.
			continue
		case "errors", "iam_web_identity_token":
			// Rendered since issue 13: left out while unset so that fingerprints
			// of trees that do not use them stay what they were.
			if v == nil || v == "" {
				continue
			}
		case "dependency":
			deps := map[string]any{}
			if m, ok := v.(map[string]any); ok {
				for name, d := range m {
					dm, _ := d.(map[string]any)
					deps[name] = map[string]any{"config_path": dm["config_path"], "enabled": dm["enabled"]}
				}
			}
			v = deps
		}
		out[k] = v
	}
	return out
}

// fingerprint hashes what the unit deploys, with its working directory and the
// repository root abstracted away, and the module source hash. The working directory
// (what get_working_dir returns) differs between a plan and its apply on another
// machine or with another --work-dir, and between olechka's work folder and
// Terragrunt's cache path, without changing what is deployed.
func (e *Evaluator) fingerprint(u *Unit) (string, error) {
	b, err := json.Marshal(DeployedView(renderConfig(u.Config, rawJSON)))
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	s := string(b)
	source := "."
	if t := u.Config.Terraform; t != nil && t.SourceSet {
		source = t.Source
	}
	s = strings.ReplaceAll(s, e.workingDir(u.Dir, u.Path, source), "${working_dir}")
	if root := e.opts.RepoRoot; root != "" {
		s = strings.ReplaceAll(s, root, "${repo_root}")
	}
	h := sha256.New()
	h.Write([]byte(s))
	h.Write([]byte{0})
	h.Write([]byte(u.SourceHash))
	return hex.EncodeToString(h.Sum(nil)), nil
}
