package executor

import (
	"fmt"
)

// hooksAllowed asks Options.AllowHook about every hook that would run around a command
// (before, after and error hooks for these command names). With a refusal nothing runs:
// neither the hooks nor the command. A plan runs a pull request's configuration, so the
// plan command gates hooks with the trusted settings read from the base commit
// (internal/trust); apply runs the reviewed configuration of main and sets no gate.
func (w *Workdir) hooksAllowed(names []string) error {
	allow := w.e.opts.AllowHook
	if allow == nil || len(names) == 0 {
		return nil
	}
	t := w.cfg.Terraform
	for _, h := range append(t.BeforeHooks[:len(t.BeforeHooks):len(t.BeforeHooks)], t.AfterHooks...) {
		if !hookApplies(h, names) {
			continue
		}
		if err := allow(h.Name, h.Execute); err != nil {
			return fmt.Errorf("%s: %w", w.Unit, err)
		}
	}
	for _, h := range t.ErrorHooks {
		if !matchesCommand(h.Commands, names) {
			continue
		}
		if err := allow(h.Name, h.Execute); err != nil {
			return fmt.Errorf("%s: %w", w.Unit, err)
		}
	}
	return nil
}
