package executor

import (
	"io"

	"github.com/terragrunt-olechka/olechka/internal/redact"
)

// Secrets are values the unit's working directory never shows in clear: whatever the
// tool, a hook or olechka writes to the unit's log passes through a redact.Writer over
// this set, and callers mask what they store with Redact. The plan stage adds the values
// of the dependencies' sensitive outputs (which reach the unit as plain TF_VAR_ inputs, so
// OpenTofu itself does not know to hide them) and its plan's own sensitive values.
func (w *Workdir) Secrets() *redact.Set { return w.secrets }

// AddSecrets adds values to mask.
func (w *Workdir) AddSecrets(vals ...string) { w.secrets.Add(vals...) }

// Redact masks the unit's secrets in b.
func (w *Workdir) Redact(b []byte) []byte { return w.secrets.Bytes(b) }

// redactLog puts the masking writer between the runner and log.
func (w *Workdir) redactLog(log io.Writer) {
	if w.secrets == nil {
		w.secrets = &redact.Set{}
	}
	w.logw = redact.NewWriter(log, w.secrets)
	w.r.log = w.logw
}

// flushLog writes out an unfinished last line of the log.
func (w *Workdir) flushLog() {
	if w.logw != nil {
		_ = w.logw.Flush()
	}
}
