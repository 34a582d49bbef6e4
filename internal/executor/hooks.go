package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/config"
)

// Terragrunt hooks (terraform { before_hook, after_hook, error_hook }) run around the
// tool commands Terragrunt itself runs for a unit: init, plan and apply (and, for the
// apply of a destroy plan, hooks listing "destroy" too). olechka's own bookkeeping
// commands (state pull, show -json, lock probes, force-unlock) and the download of a
// remote source ("init-from-module") run no hooks, nor does a working directory
// prepared for state operations only.
//
// As in Terragrunt: before hooks run in declaration order; once one fails, the next
// run only when they set run_on_error, and the command does not run. After hooks run
// after the command, when it (and every before hook) succeeded or when they set
// run_on_error. Error hooks run when something failed and the failure's text matches
// one of their on_errors patterns. `if = false` skips a hook. A hook runs in its
// working_dir (relative: to the unit's working directory), else in the unit's prepared
// working directory, with the environment the command gets plus TG_CTX_TF_PATH,
// TG_CTX_COMMAND and TG_CTX_HOOK_NAME. Its stderr goes to the unit's log, and its
// stdout too unless suppress_stdout.

// HookError is a hook that failed.
type HookError struct {
	Kind     string // before_hook, after_hook or error_hook
	Name     string
	Command  string // the tool command it ran for
	ExitCode int    // -1 when it did not start or was stopped
	Err      error  // why it did not start, or was stopped; nil for a plain non-zero exit
	Output   string // the tail of what it printed (stderr, and stdout unless suppressed)
}

func (e *HookError) Error() string {
	msg := fmt.Sprintf("%s %q (for %s) ", e.Kind, e.Name, e.Command)
	switch {
	case e.Err != nil:
		msg += "failed: " + e.Err.Error()
	default:
		msg += fmt.Sprintf("failed with exit status %d", e.ExitCode)
	}
	if l := lastLine(e.Output); l != "" {
		msg += ": " + l
	}
	return msg + " (its output is in the unit's log)"
}

func (e *HookError) Unwrap() error { return e.Err }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 300 {
		l = l[:297] + "..."
	}
	return l
}

// hookCommands are the commands hooks run around.
var hookCommands = map[string]bool{"init": true, "plan": true, "apply": true}

// hookNames returns the command names hooks are matched against for a tool command;
// nil when hooks do not run for it.
func (w *Workdir) hookNames(name string, destroy bool) []string {
	if w.stateOnly || w.cfg.Terraform == nil || !hookCommands[name] {
		return nil
	}
	t := w.cfg.Terraform
	if len(t.BeforeHooks) == 0 && len(t.AfterHooks) == 0 && len(t.ErrorHooks) == 0 {
		return nil
	}
	if name == "apply" && destroy {
		return []string{"apply", "destroy"}
	}
	return []string{name}
}

// withHooks runs a tool command between the unit's before and after hooks, and its
// error hooks when something failed.
func (w *Workdir) withHooks(ctx context.Context, names []string, env []string, run func() (*result, error)) (*result, error) {
	if len(names) == 0 {
		return run()
	}
	if err := w.hooksAllowed(names); err != nil {
		return nil, err
	}
	t := w.cfg.Terraform
	var failures []error
	var failedOutput strings.Builder
	for _, h := range t.BeforeHooks {
		if !hookApplies(h, names) || (len(failures) > 0 && !isTrue(h.RunOnError)) {
			continue
		}
		if out, err := w.runHook(ctx, "before_hook", h.Name, h.Execute, h.WorkingDir, isTrue(h.SuppressStdout), names[0], env); err != nil {
			failures = append(failures, err)
			failedOutput.WriteString(out)
		}
	}
	var res *result
	if len(failures) == 0 {
		var err error
		res, err = run()
		if err != nil {
			failures = append(failures, err)
			if res != nil {
				failedOutput.WriteString(res.output)
			}
		}
	}
	for _, h := range t.AfterHooks {
		if !hookApplies(h, names) || (len(failures) > 0 && !isTrue(h.RunOnError)) {
			continue
		}
		if out, err := w.runHook(ctx, "after_hook", h.Name, h.Execute, h.WorkingDir, isTrue(h.SuppressStdout), names[0], env); err != nil {
			failures = append(failures, err)
			failedOutput.WriteString(out)
		}
	}
	if len(failures) == 0 {
		return res, nil
	}
	// Error hooks see every failure: messages and what the failing commands printed.
	var text strings.Builder
	for _, f := range failures {
		text.WriteString(f.Error())
		text.WriteByte('\n')
	}
	text.WriteString(failedOutput.String())
	for _, h := range t.ErrorHooks {
		if !matchesCommand(h.Commands, names) {
			continue
		}
		match, err := matchesAny(h.OnErrors, text.String())
		if err != nil {
			failures = append(failures, fmt.Errorf("error_hook %q: %w", h.Name, err))
			continue
		}
		if !match {
			continue
		}
		if _, err := w.runHook(ctx, "error_hook", h.Name, h.Execute, "", false, names[0], env); err != nil {
			failures = append(failures, err)
		}
	}
	// The command's own error stays first (callers look for lock errors in it).
	if len(failures) == 1 {
		return res, failures[0]
	}
	return res, errors.Join(failures...)
}

func hookApplies(h config.Hook, names []string) bool {
	if h.If != nil && !*h.If {
		return false
	}
	return matchesCommand(h.Commands, names)
}

func matchesCommand(commands, names []string) bool {
	for _, n := range names {
		if slices.Contains(commands, n) {
			return true
		}
	}
	return false
}

func matchesAny(patterns []string, text string) (bool, error) {
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return false, fmt.Errorf("on_errors: %q: %w", p, err)
		}
		if re.MatchString(text) {
			return true, nil
		}
	}
	return false, nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// runHook runs one hook and returns the tail of what it printed.
func (w *Workdir) runHook(ctx context.Context, kind, name string, execute []string, workingDir string, suppressStdout bool, command string, env []string) (string, error) {
	herr := &HookError{Kind: kind, Name: name, Command: command, ExitCode: -1}
	if len(execute) == 0 || execute[0] == "" {
		herr.Err = errors.New("execute is empty")
		return "", herr
	}
	if err := ctx.Err(); err != nil {
		herr.Err = fmt.Errorf("not run: %w", err)
		return "", herr
	}
	dir := w.Dir
	if workingDir != "" {
		dir = workingDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(w.Dir, dir)
		}
	}
	log := w.r.log
	fmt.Fprintf(log, "\n$ [%s %q] %s\n", kind, name, strings.Join(execute, " "))
	if dir != w.Dir {
		fmt.Fprintf(log, "# in %s\n", dir)
	}
	start := time.Now()
	cmd := exec.Command(execute[0], execute[1:]...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, env...),
		"TG_CTX_TF_PATH="+w.e.path, "TG_CTX_COMMAND="+command, "TG_CTX_HOOK_NAME="+name)
	// Its own process group, so stopping it stops what it started (go run's program...).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A hook that leaves a background process holding its output open ends anyway.
	cmd.WaitDelay = 10 * time.Second
	var out tailBuffer
	logw := &lockedWriter{w: io.MultiWriter(log, &out)}
	cmd.Stderr = logw
	if suppressStdout {
		cmd.Stdout = io.Discard
	} else {
		cmd.Stdout = logw
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(log, "# %s %q did not start: %v\n", kind, name, err)
		herr.Err = err
		return "", herr
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		fmt.Fprintf(log, "\n# interrupted: stopping %s %q\n", kind, name)
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		select {
		case err = <-done:
		case <-time.After(w.e.hookGrace()):
			fmt.Fprintf(log, "\n# %s %q did not stop within %s: killing it\n", kind, name, w.e.hookGrace())
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			err = <-done
		}
	}
	took := time.Since(start)
	w.r.toolTime += took // not olechka's own time
	herr.Output = out.String()
	if err == nil && ctx.Err() == nil {
		fmt.Fprintf(log, "# %s %q: %.1fs\n", kind, name, took.Seconds())
		return "", nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		herr.ExitCode = ee.ExitCode()
	}
	if ctx.Err() != nil {
		herr.Err = fmt.Errorf("interrupted: %w", ctx.Err())
	} else if ee == nil {
		herr.Err = err
	}
	fmt.Fprintf(log, "# %s %q: %.1fs, exit %d\n", kind, name, took.Seconds(), herr.ExitCode)
	return herr.Output, herr
}

// hookGrace is how long an interrupted hook may take to stop.
func (e *Executor) hookGrace() time.Duration {
	if g := e.opts.InterruptGrace; g < 10*time.Second {
		return g
	}
	return 10 * time.Second
}

// tailBuffer keeps the last 8 KiB written to it.
type tailBuffer struct{ b []byte }

const tailMax = 8 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2*tailMax {
		t.b = append(t.b[:0], t.b[len(t.b)-tailMax:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	b := t.b
	if len(b) > tailMax {
		b = b[len(b)-tailMax:]
	}
	return string(bytes.ToValidUTF8(b, nil))
}
