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

// renderConfig renders c; value converts its cty values (jsonValue for plain Go
// values, rawJSON for hashing).
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
		"dependency":                    map[string]any{},
		"generate":                      map[string]any{},
		"exclude":                       nil,
		"errors":                        nil,
		"feature":                       map[string]any{},
	}
	for _, f := range c.Features {
		m["feature"].(map[string]any)[f.Name] = map[string]any{"name": f.Name, "default": jsonValue(f.Default)}
	}
	if t := c.Terraform; t != nil {
		ea := map[string]any{}
		for _, e := range t.ExtraArguments {
			ea[e.Name] = map[string]any{
				"name": e.Name, "commands": e.Commands, "arguments": e.Arguments,
				"required_var_files": e.RequiredVarFiles, "optional_var_files": e.OptionalVarFiles,
				"env_vars": e.EnvVars,
			}
		}
		hooks := func(hs []Hook) map[string]any {
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
			"before_hook":              hooks(t.BeforeHooks),
			"after_hook":               hooks(t.AfterHooks),
			"error_hook":               eh,
		}
		// As Terragrunt: rendered only when set.
		if t.UpdateSourceWithCAS != nil {
			tf["update_source_with_cas"] = *t.UpdateSourceWithCAS
		}
		if t.Mutable != nil {
			tf["mutable"] = *t.Mutable
		}
		m["terraform"] = tf
	}
	if rs := c.RemoteState; rs != nil {
		var gen any
		if rs.Generate != nil {
			gen = map[string]any{"path": rs.Generate.Path, "if_exists": rs.Generate.IfExists}
		}
		m["remote_state"] = map[string]any{
			"backend":                         rs.Backend,
			"config":                          jsonValue(rs.Config),
			"generate":                        gen,
			"disable_init":                    rs.DisableInit,
			"disable_dependency_optimization": rs.DisableDependencyOptimization,
			"encryption":                      jsonValue(rs.Encryption),
		}
	}
	if len(c.Dependencies) > 0 {
		m["dependencies"] = map[string]any{"paths": c.Dependencies}
	}
	deps := m["dependency"].(map[string]any)
	for _, d := range c.Dependency {
		deps[d.Name] = map[string]any{
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
	gens := m["generate"].(map[string]any)
	for _, g := range c.Generate {
		gens[g.Name] = map[string]any{
			"path": g.Path, "if_exists": g.IfExists, "if_disabled": g.IfDisabled,
			"comment_prefix": g.CommentPrefix, "contents": g.Contents,
			"disable_signature": g.DisableSignature, "disable": g.Disable,
			"hcl_fmt": ptr(g.HCLFmt), "mutable": nil,
		}
	}
	if c.Errors != nil {
		m["errors"] = c.Errors.render()
	}
	if ex := c.Exclude; ex != nil {
		m["exclude"] = map[string]any{"if": ex.If, "actions": ex.Actions, "exclude_dependencies": ex.ExcludeDependencies, "no_run": ptr(ex.NoRun)}
	}
	return m
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
	optBool := func(p *bool) cty.Value {
		if p == nil {
			return cty.NullVal(cty.Bool)
		}
		return cty.BoolVal(*p)
	}
	strs := func(ss []string) cty.Value {
		if len(ss) == 0 {
			return cty.ListValEmpty(cty.String)
		}
		vs := make([]cty.Value, len(ss))
		for i, x := range ss {
			vs[i] = cty.StringVal(x)
		}
		return cty.ListVal(vs)
	}
	orEmpty := func(v cty.Value) cty.Value {
		if v == cty.NilVal {
			return cty.EmptyObjectVal
		}
		return v
	}
	m := map[string]cty.Value{
		"locals":                        orEmpty(c.Locals),
		"inputs":                        orEmpty(c.Inputs),
		"iam_role":                      str(c.IAMRole),
		"prevent_destroy":               optBool(c.PreventDestroy),
		"skip":                          optBool(c.Skip),
		"terraform_binary":              str(c.TerraformBinary),
		"terraform_version_constraint":  str(c.TerraformVersionConstraint),
		"terragrunt_version_constraint": str(c.TerragruntVersionConstraint),
		"download_dir":                  str(c.DownloadDir),
		"terraform":                     cty.NullVal(cty.DynamicPseudoType),
		"remote_state":                  cty.NullVal(cty.DynamicPseudoType),
		"dependencies":                  cty.NullVal(cty.DynamicPseudoType),
	}
	if t := c.Terraform; t != nil {
		m["terraform"] = cty.ObjectVal(map[string]cty.Value{"source": str(t.Source)})
	}
	if rs := c.RemoteState; rs != nil {
		gen := cty.NullVal(cty.DynamicPseudoType)
		if rs.Generate != nil {
			gen = cty.ObjectVal(map[string]cty.Value{"path": str(rs.Generate.Path), "if_exists": str(rs.Generate.IfExists)})
		}
		enc := rs.Encryption
		if enc == cty.NilVal {
			enc = cty.NullVal(cty.DynamicPseudoType)
		}
		m["remote_state"] = cty.ObjectVal(map[string]cty.Value{
			"backend":                         str(rs.Backend),
			"config":                          orEmpty(rs.Config),
			"disable_init":                    cty.BoolVal(rs.DisableInit),
			"disable_dependency_optimization": cty.BoolVal(rs.DisableDependencyOptimization),
			"generate":                        gen,
			"encryption":                      enc,
		})
	}
	if len(c.Dependencies) > 0 {
		m["dependencies"] = cty.ObjectVal(map[string]cty.Value{"paths": strs(c.Dependencies)})
	}
	orNull := func(v cty.Value) cty.Value {
		if v == cty.NilVal {
			return cty.NullVal(cty.DynamicPseudoType)
		}
		return v
	}
	deps := map[string]cty.Value{}
	for _, d := range c.Dependency {
		// The attributes Terragrunt exposes of a dependency block
		// (include.NAME.dependency.DEP.mock_outputs, ...).
		cmds := cty.NullVal(cty.List(cty.String))
		if d.MockOutputsAllowedTerraformCommands != nil {
			cmds = strs(d.MockOutputsAllowedTerraformCommands)
		}
		deps[d.Name] = cty.ObjectVal(map[string]cty.Value{
			"name":         str(d.Name),
			"config_path":  str(d.ConfigPath),
			"enabled":      cty.BoolVal(d.Enabled),
			"skip":         cty.BoolVal(d.SkipOutputs),
			"mock_outputs": orNull(d.MockOutputs),
			"mock_outputs_allowed_terraform_commands": cmds,
			"mock_outputs_merge_strategy_with_state":  str(d.MockOutputsMergeStrategyWithState),
			"outputs":                                 orNull(d.Outputs),
			"inputs":                                  cty.NullVal(cty.DynamicPseudoType),
		})
	}
	m["dependency"] = cty.ObjectVal(deps)
	gens := map[string]cty.Value{}
	for _, g := range c.Generate {
		gens[g.Name] = cty.ObjectVal(map[string]cty.Value{
			"path": str(g.Path), "if_exists": str(g.IfExists), "contents": str(g.Contents),
		})
	}
	m["generate"] = cty.ObjectVal(gens)
	return cty.ObjectVal(m)
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

// fingerprint hashes what the unit deploys, with the repository root abstracted away,
// and the module source hash.
func (e *Evaluator) fingerprint(u *Unit) (string, error) {
	b, err := json.Marshal(DeployedView(renderConfig(u.Config, rawJSON)))
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	s := string(b)
	if root := e.opts.RepoRoot; root != "" {
		s = strings.ReplaceAll(s, root, "${repo_root}")
	}
	h := sha256.New()
	h.Write([]byte(s))
	h.Write([]byte{0})
	h.Write([]byte(u.SourceHash))
	return hex.EncodeToString(h.Sum(nil)), nil
}
