// Package executor runs OpenTofu (or Terraform) for one unit the way Terragrunt would:
// it prepares a working directory (module source, the unit's own files, generate blocks,
// the remote_state backend), passes inputs as TF_VAR_ variables, and runs init, plan,
// show, apply, state pull and force-unlock there. Known transient errors are retried;
// a held state lock is reported with its holder.
package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options configures an Executor.
type Options struct {
	// Binary is the OpenTofu or Terraform executable (a path, or a name looked up in PATH).
	Binary string
	// Env is the environment tofu runs with (TF_VAR_ inputs are added per unit);
	// nil means this process's environment.
	Env []string
	// CLIConfigFile, when set, is passed as TF_CLI_CONFIG_FILE (e.g. the cache's tofurc
	// naming the provider mirror).
	CLIConfigFile string
	// PluginCacheDir, when set, is passed as TF_PLUGIN_CACHE_DIR and shared by every
	// unit. OpenTofu 1.10+ locks it itself; for Terraform and older OpenTofu, inits are
	// run one at a time.
	PluginCacheDir string
	// WorkRoot holds the units' working directories (one per unit path).
	WorkRoot string
	// LockTimeout is how long a state lock is waited for (-lock-timeout).
	LockTimeout time.Duration
	// RetryAttempts and RetryWait govern retries of known transient errors when the unit
	// does not set its own (retry_max_attempts, retry_sleep_interval_sec). Zero: 3 and 5s.
	RetryAttempts int
	RetryWait     time.Duration
	// InterruptGrace is how long a tofu process may take to stop after an interrupt
	// (it finishes in-flight operations, saves state and releases the lock) before it
	// is killed. Zero: 2 minutes.
	InterruptGrace time.Duration
	// AllowHook, when set, is asked about every Terragrunt hook before it runs (name and
	// execute); a refusal fails the command and nothing runs. The plan command sets it
	// from the repository's trusted settings (internal/trust); nil runs every hook.
	AllowHook func(name string, execute []string) error
}

// Executor runs one tool binary for many units; safe for concurrent use.
type Executor struct {
	opts    Options
	path    string
	name    string // "tofu" or "terraform"
	version string // e.g. "1.10.6"

	serialInit bool
	initMu     *sync.Mutex // shared with Sub executors
}

// New finds the binary and asks it for its version.
func New(ctx context.Context, opts Options) (*Executor, error) {
	if opts.Binary == "" {
		opts.Binary = "tofu"
	}
	path, err := exec.LookPath(opts.Binary)
	if err != nil {
		return nil, fmt.Errorf("%s not found (build OpenTofu into the cache with `make tools`, or pass --binary): %w", opts.Binary, err)
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if opts.RetryAttempts <= 0 {
		opts.RetryAttempts = 3
	}
	if opts.RetryWait <= 0 {
		opts.RetryWait = 5 * time.Second
	}
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = 2 * time.Minute
	}
	if opts.WorkRoot == "" {
		return nil, errors.New("executor: WorkRoot is required")
	}
	e := &Executor{opts: opts, path: path, initMu: &sync.Mutex{}}
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Env = e.baseEnv()
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", path, err)
	}
	e.name, e.version, err = parseVersion(string(out))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if opts.PluginCacheDir != "" {
		if err := os.MkdirAll(opts.PluginCacheDir, 0o755); err != nil {
			return nil, fmt.Errorf("plugin cache: %w", err)
		}
		e.serialInit = !(e.name == "tofu" && versionAtLeast(e.version, 1, 10))
	}
	return e, nil
}

var versionLine = regexp.MustCompile(`^(OpenTofu|Terraform) v(\d+\.\d+\.\d+\S*)`)

func parseVersion(out string) (name, version string, err error) {
	first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	m := versionLine.FindStringSubmatch(first)
	if m == nil {
		return "", "", fmt.Errorf("unrecognised version output %q (want OpenTofu or Terraform)", first)
	}
	if m[1] == "OpenTofu" {
		return "tofu", m[2], nil
	}
	return "terraform", m[2], nil
}

func versionAtLeast(v string, major, minor int) bool {
	var a, b int
	if _, err := fmt.Sscanf(v, "%d.%d", &a, &b); err != nil {
		return false
	}
	return a > major || (a == major && b >= minor)
}

// Name is "tofu" or "terraform".
func (e *Executor) Name() string { return e.name }

// Version is the tool's version, e.g. "1.10.6".
func (e *Executor) Version() string { return e.version }

// LockTimeout is how long state locks are waited for.
func (e *Executor) LockTimeout() time.Duration { return e.opts.LockTimeout }

// Path is the binary's path.
func (e *Executor) Path() string { return e.path }

// WorkRoot is the folder holding the units' working directories.
func (e *Executor) WorkRoot() string { return e.opts.WorkRoot }

// Sub returns an executor like e whose units' working directories live under workRoot
// (e.g. units evaluated from another commit's tree, whose paths may be those of units
// planned at the same time).
func (e *Executor) Sub(workRoot string) *Executor {
	s := *e
	s.opts.WorkRoot = workRoot
	return &s
}

// baseEnv is the environment every command gets.
func (e *Executor) baseEnv() []string {
	env := make([]string, 0, len(e.opts.Env)+6)
	for _, kv := range e.opts.Env {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "TF_CLI_CONFIG_FILE" && e.opts.CLIConfigFile != "",
			k == "TF_PLUGIN_CACHE_DIR" && e.opts.PluginCacheDir != "",
			k == "TF_IN_AUTOMATION", k == "TF_INPUT", k == "CHECKPOINT_DISABLE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
	if e.opts.CLIConfigFile != "" {
		env = append(env, "TF_CLI_CONFIG_FILE="+e.opts.CLIConfigFile)
	}
	if e.opts.PluginCacheDir != "" {
		env = append(env, "TF_PLUGIN_CACHE_DIR="+e.opts.PluginCacheDir)
	}
	return env
}

// defaultRetryable are Terragrunt's default retryable errors: network hiccups and
// throttling while fetching providers, modules or state.
var defaultRetryable = []string{
	`(?s).*Failed to load state.*tcp.*timeout.*`,
	`(?s).*Failed to load backend.*TLS handshake timeout.*`,
	`(?s).*Creating metric alarm failed.*request to update this alarm is in progress.*`,
	`(?s).*Error installing provider.*TLS handshake timeout.*`,
	`(?s).*Error configuring the backend.*TLS handshake timeout.*`,
	`(?s).*Error installing provider.*tcp.*timeout.*`,
	`(?s).*Error installing provider.*tcp.*connection reset by peer.*`,
	`NoSuchBucket: The specified bucket does not exist`,
	`(?s).*Error creating SSM parameter: TooManyUpdates:.*`,
	`(?s).*app.terraform.io.*: 429 Too Many Requests.*`,
	`(?s).*ssh_exchange_identification.*Connection closed by remote host.*`,
	`(?s).*Client\.Timeout exceeded while awaiting headers.*`,
	`(?s).*Could not download module.*The requested URL returned error: 429.*`,
	`(?s).*connection reset by peer.*`,
	`(?s).*RequestLimitExceeded.*`,
	`(?s).*ThrottlingException.*`,
	`(?s).*i/o timeout.*`,
}

// result is one finished command.
type result struct {
	exitCode int
	stdout   []byte // only when captured
	output   string // combined stderr (+ stdout when not captured), for retries and error hooks
	// diagnostics is what the tool wrote to stderr, where OpenTofu puts its error
	// boxes and lock errors (the combined output when stderr was empty): parsed alone,
	// stdout lines cannot land inside a box.
	diagnostics string
}

// command describes one tool invocation.
type command struct {
	args       []string
	env        []string
	dir        string
	captureOut bool // keep stdout out of the log (JSON, state with secrets)
	retry      bool
	detailed   bool // -detailed-exitcode: exit 2 means success with changes
	teeOut     bool // stdout goes to the log and is kept too
	destroy    bool // apply of a destroy plan (hooks listing "destroy" run too)
}

// runner runs commands for one unit.
type runner struct {
	e         *Executor
	toolTime  time.Duration // time spent waiting for the tool
	log       io.Writer
	retryable []*regexp.Regexp
	attempts  int
	wait      time.Duration
}

// run runs the tool, retrying known transient errors when c.retry.
func (r *runner) run(ctx context.Context, c command) (*result, error) {
	attempts := 1
	if c.retry {
		attempts = r.attempts
	}
	for i := 1; ; i++ {
		res, err := r.runOnce(ctx, c)
		if err == nil || i >= attempts || ctx.Err() != nil || !r.isRetryable(res.output) {
			return res, err
		}
		fmt.Fprintf(r.log, "\n# transient error (attempt %d of %d); retrying in %s\n", i, attempts, r.wait)
		select {
		case <-ctx.Done():
			return res, err
		case <-time.After(r.wait):
		}
	}
}

func (r *runner) isRetryable(out string) bool {
	for _, re := range r.retryable {
		if re.MatchString(out) {
			return true
		}
	}
	return false
}

// ExitError is a tool command that exited non-zero.
type ExitError struct {
	Args     []string
	ExitCode int
	// Output is the tail of what the command printed (stderr, and stdout unless it
	// was captured), for messages; the full text is in the unit's log.
	Output string
}

func (e *ExitError) Error() string {
	cmd := strings.Join(e.Args, " ")
	if len(e.Args) >= 2 {
		cmd = e.Args[0] + " " + e.Args[1]
	}
	msg := fmt.Sprintf("%s exited with %d", cmd, e.ExitCode)
	if s := errorSummary(e.Output); s != "" {
		msg += ": " + s
	}
	return msg
}

var diagLocation = regexp.MustCompile(`^on (\S+) line (\d+)`)

// errorSummary condenses OpenTofu's error boxes: "Summary (file:line): detail" per error.
func errorSummary(out string) string {
	var errs []string
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(strings.TrimLeft(lines[i], "│╷╵ "))
		if !strings.HasPrefix(l, "Error: ") {
			continue
		}
		// In a box, lines without the box's edge are other output that landed in
		// between (stdout and stderr are separate streams).
		boxed := strings.HasPrefix(strings.TrimSpace(lines[i]), "│")
		summary := strings.TrimPrefix(l, "Error: ")
		var loc string
		var para, last []string
		for j := i + 1; j < len(lines); j++ {
			raw := lines[j]
			if strings.HasPrefix(strings.TrimSpace(raw), "╵") || strings.HasPrefix(strings.TrimSpace(raw), "Error: ") {
				break
			}
			if boxed && !strings.HasPrefix(strings.TrimSpace(raw), "│") {
				continue
			}
			t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "│"))
			if m := diagLocation.FindStringSubmatch(t); m != nil && loc == "" {
				loc = m[1] + ":" + m[2]
			}
			if t == "" {
				if len(para) > 0 {
					last = para
				}
				para = nil
				continue
			}
			para = append(para, t)
		}
		if len(para) > 0 {
			last = para
		}
		msg := summary
		if loc != "" {
			msg += " (" + loc + ")"
		}
		// The closing paragraph is the explanation, unless it is the source snippet.
		if len(last) > 0 && !diagLocation.MatchString(last[0]) && !strings.ContainsAny(strings.Join(last, ""), "├│") {
			msg += ": " + strings.Join(last, " ")
		}
		errs = append(errs, msg)
	}
	if len(errs) == 0 {
		trimmed := strings.Split(strings.TrimSpace(out), "\n")
		if len(trimmed) > 0 {
			return strings.TrimSpace(trimmed[len(trimmed)-1])
		}
		return ""
	}
	return strings.Join(errs, "; ")
}

func (r *runner) runOnce(ctx context.Context, c command) (*result, error) {
	if err := ctx.Err(); err != nil {
		return &result{exitCode: -1}, err
	}
	display := append([]string{r.e.name}, c.args...)
	fmt.Fprintf(r.log, "\n$ %s\n", strings.Join(display, " "))
	start := time.Now()
	cmd := exec.Command(r.e.path, c.args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	// Own process group: a terminal's Ctrl-C reaches olechka only, which interrupts tofu
	// once (twice would make tofu exit without saving state).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var combined bytes.Buffer
	// With stdout kept apart from stderr the two are copied by separate goroutines.
	logw := &lockedWriter{w: io.MultiWriter(r.log, &combined)}
	var stdout bytes.Buffer
	switch {
	case c.captureOut:
		cmd.Stdout = &stdout
	case c.teeOut:
		cmd.Stdout = io.MultiWriter(logw, &stdout)
	default:
		cmd.Stdout = logw
	}
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(logw, &stderr)
	if err := cmd.Start(); err != nil {
		return &result{exitCode: -1}, fmt.Errorf("starting %s: %w", r.e.path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		fmt.Fprintf(r.log, "\n# interrupted: asking %s to stop (it saves state and releases its lock)\n", r.e.name)
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err = <-done:
		case <-time.After(r.e.opts.InterruptGrace):
			fmt.Fprintf(r.log, "\n# %s did not stop within %s: killing it\n", r.e.name, r.e.opts.InterruptGrace)
			_ = cmd.Process.Kill()
			err = <-done
		}
	}
	res := &result{stdout: stdout.Bytes(), output: combined.String(), diagnostics: stderr.String()}
	if strings.TrimSpace(res.diagnostics) == "" {
		res.diagnostics = res.output
	}
	took := time.Since(start)
	r.toolTime += took
	fmt.Fprintf(r.log, "# %.1fs", took.Seconds())
	var ee *exec.ExitError
	if c.detailed && errors.As(err, &ee) && ee.ExitCode() == 2 && ctx.Err() == nil {
		res.exitCode = 2
		fmt.Fprintln(r.log, ", exit 2 (changes)")
		return res, nil
	}
	if err != nil {
		if errors.As(err, &ee) {
			res.exitCode = ee.ExitCode()
		} else {
			res.exitCode = -1
		}
		fmt.Fprintf(r.log, ", exit %d\n", res.exitCode)
		if ctx.Err() != nil {
			return res, fmt.Errorf("%s %s interrupted: %w", r.e.name, c.args[0], ctx.Err())
		}
		if li := parseLockError(res.diagnostics); li != nil {
			return res, li
		}
		return res, &ExitError{Args: display, ExitCode: res.exitCode, Output: tail(res.diagnostics, 4000)}
	}
	fmt.Fprintln(r.log)
	return res, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// workPath returns the working directory root for a unit path.
func (e *Executor) workPath(unit string) string {
	if unit == "" || unit == "." {
		unit = "_root"
	}
	return filepath.Join(e.opts.WorkRoot, filepath.FromSlash(unit))
}

// lockedWriter serialises writes from concurrent copies (a command's stdout and stderr).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
