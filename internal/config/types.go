package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Unit is one evaluated Terragrunt unit.
type Unit struct {
	Dir  string // absolute folder of the unit
	Path string // relative to the tree root, forward slashes

	Config *Config

	// Files lists every file the evaluation read: the unit's file, its includes, files
	// read through read_terragrunt_config, read_tfvars_file, file(), mark_as_read, and
	// the files of a local module source. Absolute paths, sorted.
	Files []string
	// ReadConfigs holds what read_terragrunt_config returned for each file the unit
	// read with it (locals, inputs, ...), keyed by absolute path: how tooling learns a
	// unit's env.hcl settings without evaluating the file again.
	ReadConfigs map[string]cty.Value
	// SourceDir is the local module folder, when terraform.source is a local path.
	SourceDir string
	// SourceHash is a content hash of the local module source (and the local modules it
	// calls); empty for remote sources.
	SourceHash string
	// Fingerprint is a hash of the rendered configuration (repository root abstracted
	// away) and SourceHash: two evaluations with the same fingerprint deploy the same thing.
	Fingerprint string

	// ModuleNotes say which file reads of the module (and the local modules it calls)
	// could not be resolved statically, with file:line (package tfmodule/reads): such a
	// module is taken to depend on the whole folder the read is known up to.
	ModuleNotes []string
	// Warnings are the errors a render tolerated, as `terragrunt render` does
	// (Options.Render): references to attributes that do not exist, such as the
	// outputs of a dependency without mock_outputs. Each names file:line.
	Warnings hcl.Diagnostics

	// Env, Region, Tier and AccountID come from the unit's inputs (environment | env,
	// aws_region | region, tier, aws_account_id | account_id) where the tree sets them.
	Env, Region, Tier, AccountID string
}

// Config is a unit's configuration after includes are merged.
type Config struct {
	Terraform    *Terraform
	RemoteState  *RemoteState
	Generate     []Generate
	Dependencies []string // dependencies { paths }, absolute folders
	Dependency   []Dependency
	Inputs       cty.Value // object
	Locals       cty.Value // object: the unit's own locals
	IAMRole      string
	// IAMWebIdentityToken is iam_web_identity_token: rendered, not used by olechka.
	IAMWebIdentityToken string
	PreventDestroy      *bool
	Skip                *bool
	Exclude             *Exclude
	Errors              *Errors       // the errors block: retry and ignore rules
	Features            []FeatureFlag // feature blocks, the includes' merged in

	IAMAssumeRoleDuration       *int64
	IAMAssumeRoleSessionName    string
	TerraformBinary             string
	TerraformVersionConstraint  string
	TerragruntVersionConstraint string
	DownloadDir                 string
	RetryableErrors             []string
	RetryMaxAttempts            *int64
	RetrySleepIntervalSec       *int64
}

// Terraform is the terraform block.
type Terraform struct {
	Source string
	// SourceSet says the block sets source (Terragrunt renders a source that
	// failed to evaluate at render as "", an absent one as null).
	SourceSet             bool
	IncludeInCopy         []string
	ExcludeFromCopy       []string
	CopyTerraformLockFile *bool
	// UpdateSourceWithCAS and Mutable are Terragrunt's content-addressed source
	// download settings: rendered, not used by olechka.
	UpdateSourceWithCAS *bool
	Mutable             *bool
	ExtraArguments      []ExtraArguments
	BeforeHooks         []Hook
	AfterHooks          []Hook
	ErrorHooks          []ErrorHook

	// dir is the folder relative paths in Source are resolved against.
	dir string
}

// ExtraArguments is a terraform.extra_arguments block.
type ExtraArguments struct {
	Name             string
	Commands         []string
	Arguments        []string
	RequiredVarFiles []string
	OptionalVarFiles []string
	EnvVars          map[string]string
}

// Hook is a before_hook or after_hook block.
type Hook struct {
	Name           string
	Commands       []string
	Execute        []string
	WorkingDir     string
	RunOnError     *bool
	SuppressStdout *bool
	If             *bool
}

// ErrorHook is an error_hook block.
type ErrorHook struct {
	Name     string
	Commands []string
	Execute  []string
	OnErrors []string
}

// RemoteState is the remote_state block.
type RemoteState struct {
	Backend                       string
	Config                        cty.Value // object
	Generate                      *RemoteStateGenerate
	DisableInit                   bool
	DisableDependencyOptimization bool
	Encryption                    cty.Value // object or null
}

// RemoteStateGenerate is remote_state.generate.
type RemoteStateGenerate struct {
	Path     string
	IfExists string
	// Range is where generate is set (file:line for errors about it).
	Range hcl.Range
}

// Generate is a generate block.
type Generate struct {
	Name             string
	Path             string
	IfExists         string
	IfDisabled       string
	CommentPrefix    string
	Contents         string
	DisableSignature bool
	Disable          bool
	HCLFmt           *bool // format the generated file as HCL; nil: by its extension
	// PathRange is where path is set (file:line for errors about it).
	PathRange hcl.Range
}

// Dependency is a dependency block.
type Dependency struct {
	Name       string
	ConfigPath string // as written
	Dir        string // absolute folder it points to
	Enabled    bool
	// SkipOutputs, MockOutputs... are as written.
	SkipOutputs                         bool
	MockOutputs                         cty.Value // object or null
	MockOutputsAllowedTerraformCommands []string
	MockOutputsMergeStrategyWithState   string
	// Outputs is what dependency.NAME.outputs evaluated to; Mocked says it came
	// (wholly or partly) from MockOutputs.
	Outputs cty.Value
	Mocked  bool

	// rng is where the block sets config_path (or the block itself), for errors.
	rng hcl.Range
	// strategyRange is where mock_outputs_merge_strategy_with_state is set.
	strategyRange hcl.Range
}

// Exclude is the exclude block.
type Exclude struct {
	If                  bool
	Actions             []string
	ExcludeDependencies bool
	NoRun               *bool
}

// DependencyDirs returns the absolute folders of enabled dependency blocks and of
// dependencies.paths, without duplicates, in declaration order.
func (u *Unit) DependencyDirs() []string {
	var out []string
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, d := range u.Config.Dependency {
		if d.Enabled {
			add(d.Dir)
		}
	}
	for _, d := range u.Config.Dependencies {
		add(d)
	}
	return out
}

// MockedDependencies names the dependencies whose outputs came from mock_outputs.
func (u *Unit) MockedDependencies() []string {
	var out []string
	for _, d := range u.Config.Dependency {
		if d.Mocked {
			out = append(out, d.Name)
		}
	}
	return out
}

// LocalSourceDir returns the absolute module folder when Source is a local path.
func (t *Terraform) LocalSourceDir() (string, bool) {
	if t == nil || t.Source == "" || !isLocalSource(t.Source) {
		return "", false
	}
	src := strings.TrimPrefix(t.Source, "file://")
	src = strings.Replace(src, "//", "/", 1)
	return absIn(t.dir, src), true
}

// isLocalSource tells a local path from go-getter and registry addresses.
func isLocalSource(s string) bool {
	if strings.HasPrefix(s, "file://") {
		return true
	}
	if strings.Contains(s, "::") || strings.Contains(s, "://") {
		return false
	}
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}
