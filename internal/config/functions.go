package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/terragrunt-olechka/olechka/internal/hclnest"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// evalContext returns the evaluation context of the scope: a child of the evaluator's
// context holding OpenTofu's functions, with Terragrunt's functions bound to this
// scope (built once per scope) and vars.
func (s *scope) evalContext(vars map[string]cty.Value) *hcl.EvalContext {
	if s.fns == nil {
		s.fns = make(map[string]function.Function, 48)
		s.addTerragruntFunctions(s.fns)
		s.addFileFunctions(s.fns)
	}
	ctx := s.u.e.base.NewChild()
	if s.features != cty.NilVal {
		if _, ok := vars["feature"]; !ok {
			withFeature := make(map[string]cty.Value, len(vars)+1)
			for k, v := range vars {
				withFeature[k] = v
			}
			withFeature["feature"] = s.features
			vars = withFeature
		}
	}
	ctx.Variables = vars
	ctx.Functions = s.fns
	return ctx
}

func strFunc(impl func() (string, error)) function.Function {
	return function.New(&function.Spec{
		Type: function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			s, err := impl()
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(s), nil
		},
	})
}

// optNameFunc is a function taking an optional include name.
func optNameFunc(impl func(name string, named bool) (string, error)) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "include_name", Type: cty.String},
		Type:     function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 1 {
				return cty.NilVal, fmt.Errorf("takes at most one argument, the include name")
			}
			name, named := "", false
			if len(args) == 1 {
				name, named = args[0].AsString(), true
			}
			s, err := impl(name, named)
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(s), nil
		},
	})
}

func listFunc(items ...string) function.Function {
	list := ctyStrings(items)
	return function.New(&function.Spec{
		Type: function.StaticReturnType(cty.List(cty.String)),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return list, nil
		},
	})
}

// includeFor picks the include a path function refers to.
func (s *scope) includeFor(name string, named bool) (*include, error) {
	if named {
		for _, inc := range s.includes {
			if inc.name == name {
				return inc, nil
			}
		}
		return nil, fmt.Errorf("no include named %q", name)
	}
	if s.self != nil {
		return s.self, nil
	}
	if len(s.includes) > 0 {
		return s.includes[0], nil
	}
	return nil, nil
}

func rel(from, to string) string {
	r, err := filepath.Rel(from, to)
	if err != nil {
		return to
	}
	return filepath.ToSlash(r)
}

func (s *scope) addTerragruntFunctions(fns map[string]function.Function) {
	e := s.u.e
	fns["get_terragrunt_dir"] = strFunc(func() (string, error) { return s.terragruntDir, nil })
	fns["get_original_terragrunt_dir"] = strFunc(func() (string, error) {
		*s.dependent = true
		return s.u.dir, nil
	})
	fns["get_parent_terragrunt_dir"] = optNameFunc(func(name string, named bool) (string, error) {
		inc, err := s.includeFor(name, named)
		if err != nil || inc == nil {
			return s.terragruntDir, err
		}
		return filepath.Dir(inc.path), nil
	})
	fns["path_relative_to_include"] = optNameFunc(func(name string, named bool) (string, error) {
		inc, err := s.includeFor(name, named)
		if err != nil || inc == nil {
			return ".", err
		}
		return rel(filepath.Dir(inc.path), s.terragruntDir), nil
	})
	fns["path_relative_from_include"] = optNameFunc(func(name string, named bool) (string, error) {
		inc, err := s.includeFor(name, named)
		if err != nil || inc == nil {
			return ".", err
		}
		return rel(s.terragruntDir, filepath.Dir(inc.path)), nil
	})
	fns["find_in_parent_folders"] = function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.String},
		Type:     function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return s.findInParentFolders(args)
		},
	})
	fns["get_repo_root"] = strFunc(s.repoRoot)
	fns["get_path_from_repo_root"] = strFunc(func() (string, error) {
		r, err := s.repoRoot()
		return rel(r, s.terragruntDir), err
	})
	fns["get_path_to_repo_root"] = strFunc(func() (string, error) {
		r, err := s.repoRoot()
		return rel(s.terragruntDir, r), err
	})
	fns["get_env"] = function.New(&function.Spec{
		Params:   []function.Parameter{{Name: "name", Type: cty.String}},
		VarParam: &function.Parameter{Name: "default", Type: cty.String},
		Type:     function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return s.getEnv(args)
		},
	})
	fns["get_terraform_command"] = strFunc(func() (string, error) { return e.command(), nil })
	if e.command() == renderCommand {
		// As `terragrunt render`: the command line is the render command.
		fns["get_terraform_cli_args"] = listFunc(renderCommand)
	}
	fns["get_working_dir"] = strFunc(s.workingDir)
	fns["mark_glob_as_read"] = s.markGlobAsReadFunc()
	fns["get_aws_account_id"] = offlineFunc(e, "get_aws_account_id", e.opts.AWSAccountID, "OLECHKA_AWS_ACCOUNT_ID")
	fns["get_aws_caller_identity_arn"] = offlineFunc(e, "get_aws_caller_identity_arn", e.opts.AWSCallerARN, "OLECHKA_AWS_CALLER_ARN")
	fns["get_aws_caller_identity_user_id"] = offlineFunc(e, "get_aws_caller_identity_user_id", "", "OLECHKA_AWS_CALLER_USER_ID")
	fns["get_aws_account_alias"] = offlineFunc(e, "get_aws_account_alias", "", "OLECHKA_AWS_ACCOUNT_ALIAS")
	fns["run_cmd"] = function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.String},
		Type:     function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return s.runCmd(args)
		},
	})
	fns["read_tfvars_file"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return s.readTfvars(args[0].AsString())
		},
	})
	fns["mark_as_read"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s.u.read(s.abs(args[0].AsString()))
			return args[0], nil
		},
	})
	fns["read_terragrunt_config"] = s.readTerragruntConfigFunc(s.stack)
}

// findInParentFolders is Terragrunt's find_in_parent_folders(name, fallback): the
// path of the nearest file (or folder) of that name above the scope's folder.
func (s *scope) findInParentFolders(args []cty.Value) (cty.Value, error) {
	e := s.u.e
	if len(args) > 2 {
		return cty.NilVal, fmt.Errorf("takes at most two arguments: a file name and a fallback")
	}
	name := UnitFile
	if len(args) >= 1 {
		name = args[0].AsString()
	}
	dir := s.terragruntDir
	for i := 0; i < 100; i++ {
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
		p := filepath.Join(dir, name)
		// A folder of that name counts too, as in Terragrunt.
		if e.fileExists(p) || dirExists(e.opts.FS, p) {
			return cty.StringVal(p), nil
		}
	}
	if len(args) == 2 {
		return args[1], nil
	}
	return cty.NilVal, fmt.Errorf("could not find a %s in any of the parent folders of %s", name, s.terragruntDir)
}

// getEnv is Terragrunt's get_env(name, default).
func (s *scope) getEnv(args []cty.Value) (cty.Value, error) {
	if len(args) > 2 {
		return cty.NilVal, fmt.Errorf("takes a name and an optional default")
	}
	name := args[0].AsString()
	if name == "" {
		return cty.NilVal, fmt.Errorf("the variable name is empty")
	}
	if v, ok := s.u.e.opts.Getenv(name); ok {
		return cty.StringVal(v), nil
	}
	if len(args) == 2 {
		return args[1], nil
	}
	// As in Terragrunt: without a default the variable is required.
	return cty.NilVal, fmt.Errorf("environment variable %s is not set and get_env has no default: set it, or pass a default as the second argument", name)
}

// offlineFunc is one of Terragrunt's AWS functions, which need credentials: olechka
// answers with value when set, else with the environment variable env.
func offlineFunc(e *Evaluator, fn, value, env string) function.Function {
	return strFunc(func() (string, error) {
		if value != "" {
			return value, nil
		}
		if v, ok := e.opts.Getenv(env); ok && v != "" {
			return v, nil
		}
		return "", fmt.Errorf("%s needs AWS credentials, and olechka evaluates configuration offline: set %s to supply the value", fn, env)
	})
}

// staticTerragruntFunctions are Terragrunt's functions that depend on nothing: they
// live in the evaluator's base context, built once.
func staticTerragruntFunctions(fns map[string]function.Function) {
	fns["get_terraform_commands_that_need_vars"] = listFunc("apply", "console", "destroy", "import", "plan", "push", "refresh")
	fns["get_terraform_commands_that_need_locking"] = listFunc("apply", "destroy", "import", "init", "plan", "refresh", "taint", "untaint")
	fns["get_terraform_commands_that_need_input"] = listFunc("apply", "import", "init", "plan", "refresh")
	fns["get_terraform_commands_that_need_parallelism"] = listFunc("apply", "plan", "destroy")
	fns["get_terraform_cli_args"] = listFunc()
	fns["get_platform"] = strFunc(func() (string, error) { return runtime.GOOS, nil })
	fns["get_terragrunt_source_cli_flag"] = strFunc(func() (string, error) { return "", nil })
	fns["sops_decrypt_file"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return cty.NilVal, fmt.Errorf("sops_decrypt_file is not supported by olechka: secrets are not decrypted while rendering")
		},
	})
}

func (s *scope) abs(p string) string {
	return absIn(s.terragruntDir, p)
}

func (s *scope) repoRoot() (string, error) {
	e := s.u.e
	if e.opts.RepoRoot != "" {
		return e.opts.RepoRoot, nil
	}
	dir := s.terragruntDir
	for {
		if _, err := e.opts.FS.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no git repository found above %s", s.terragruntDir)
		}
		dir = parent
	}
}

type cmdResult struct {
	once sync.Once
	out  string
	err  error
}

func (s *scope) runCmd(args []cty.Value) (cty.Value, error) {
	e := s.u.e
	if !e.opts.AllowRunCmd {
		return cty.NilVal, fmt.Errorf("run_cmd is disabled: olechka does not run commands while evaluating a configuration unless told to; to opt in, pass --allow-run-cmd to the olechka command (see docs/compat.md)")
	}
	var argv []string
	quiet := false
	for _, a := range args {
		switch a.AsString() {
		case "--terragrunt-quiet", "--terragrunt-global-cache":
			quiet = quiet || a.AsString() == "--terragrunt-quiet"
			continue
		}
		argv = append(argv, a.AsString())
	}
	if len(argv) == 0 {
		return cty.NilVal, fmt.Errorf("run_cmd needs a command")
	}
	key := s.terragruntDir + "\x00" + strings.Join(argv, "\x00")
	r := cacheEntry(&e.mu, e.cmds, key)
	r.once.Do(func() {
		cmd := exec.CommandContext(s.u.ctx, argv[0], argv[1:]...)
		cmd.Dir = s.terragruntDir
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			r.err = fmt.Errorf("run_cmd %s: %w: %s", argv[0], err, strings.TrimSpace(errb.String()))
			return
		}
		r.out = strings.TrimSuffix(out.String(), "\n")
	})
	if r.err != nil {
		return cty.NilVal, r.err
	}
	return cty.StringVal(r.out), nil
}

// readTfvars reads a .tfvars or .tfvars.json file and returns its values as JSON, as
// Terragrunt's read_tfvars_file does.
func (s *scope) readTfvars(p string) (cty.Value, error) {
	p = s.abs(p)
	src, err := s.u.e.opts.FS.ReadFile(p)
	if err != nil {
		return cty.NilVal, fmt.Errorf("read_tfvars_file: %w", err)
	}
	s.u.read(p)
	if strings.HasSuffix(p, ".json") {
		var v any
		if err := json.Unmarshal(src, &v); err != nil {
			return cty.NilVal, fmt.Errorf("read_tfvars_file %s: %w", p, err)
		}
		return cty.StringVal(string(src)), nil
	}
	f, diags := hclnest.ParseConfig(src, p, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("read_tfvars_file: %s", diagsString(diags))
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("read_tfvars_file: %s", diagsString(diags))
	}
	m := map[string]cty.Value{}
	for name, a := range attrs {
		v, d := a.Expr.Value(nil)
		if d.HasErrors() {
			return cty.NilVal, fmt.Errorf("read_tfvars_file: %s", diagsString(d))
		}
		m[name] = v
	}
	obj := cty.ObjectVal(m)
	b, err := ctyjson.Marshal(obj, obj.Type())
	if err != nil {
		return cty.NilVal, fmt.Errorf("read_tfvars_file %s: %w", p, err)
	}
	return cty.StringVal(string(b)), nil
}

// readResult caches read_terragrunt_config of one file when the result does not depend
// on the unit that read it.
type readResult struct {
	once      sync.Once
	value     cty.Value
	files     []string
	reads     map[string]cty.Value // the files it read with read_terragrunt_config in turn
	diags     hcl.Diagnostics
	dependent bool
}

func (s *scope) readTerragruntConfigFunc(stack []string) function.Function {
	return function.New(&function.Spec{
		Params:   []function.Parameter{{Name: "config_path", Type: cty.String}},
		VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType},
		Type:     function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 2 {
				return cty.NilVal, fmt.Errorf("takes a path and an optional default")
			}
			p := s.abs(args[0].AsString())
			if !s.u.e.fileExists(p) {
				if len(args) == 2 {
					return args[1], nil
				}
				return cty.NilVal, fmt.Errorf("%s does not exist", p)
			}
			v, diags := s.readConfig(p, stack)
			if diags.HasErrors() {
				return cty.NilVal, fmt.Errorf("reading %s: %s", p, diagsString(diags))
			}
			s.u.reads[p] = v
			return v, nil
		},
	})
}

// readConfig evaluates a file for read_terragrunt_config, sharing the result across
// units when it does not depend on the reader.
func (s *scope) readConfig(p string, stack []string) (cty.Value, hcl.Diagnostics) {
	e := s.u.e
	if d := readCycle(p, stack); d != nil {
		// Before the cache: a cycle is one of this reader's stack, not of the file.
		return cty.NilVal, d
	}
	r := cacheEntry(&e.mu, e.reads, p)
	r.once.Do(func() {
		sub := s.u.fork()
		cfg, fs, diags := sub.evalConfigFile(p, filepath.Dir(p), stack)
		r.reads = sub.reads
		r.diags = diags
		if fs != nil {
			r.dependent = *fs.dependent
		}
		if !diags.HasErrors() {
			r.value = configValue(cfg)
		}
		for f := range sub.files {
			r.files = append(r.files, f)
		}
	})
	if r.dependent {
		// Evaluated for another unit: evaluate again for this one, uncached.
		sub := s.u.fork()
		sub.files, sub.reads = s.u.files, s.u.reads
		cfg, _, diags := sub.evalConfigFile(p, filepath.Dir(p), stack)
		if diags.HasErrors() {
			return cty.NilVal, diags
		}
		return configValue(cfg), nil
	}
	for _, f := range r.files {
		s.u.read(f)
	}
	for q, v := range r.reads {
		s.u.reads[q] = v
	}
	return r.value, r.diags
}

func diagsString(diags hcl.Diagnostics) string {
	var parts []string
	for _, d := range diags.Errs() {
		parts = append(parts, FormatDiagnostic(d))
	}
	return strings.Join(parts, "; ")
}
