package executor

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// LockInfo is the holder of a state lock as OpenTofu reports it.
type LockInfo struct {
	ID        string
	Path      string
	Operation string
	Who       string
	Version   string
	Created   string
	Info      string
}

// LockError is a command that could not take the state lock within the lock timeout.
type LockError struct {
	Holder LockInfo
	// Message is the backend's error (e.g. the 412 from S3 or the DynamoDB condition).
	Message string
}

func (e *LockError) Error() string {
	h := e.Holder
	var b strings.Builder
	b.WriteString("state is locked")
	if h.Who != "" {
		fmt.Fprintf(&b, " by %s", h.Who)
	}
	var details []string
	if h.Operation != "" {
		details = append(details, strings.TrimPrefix(h.Operation, "OperationType"))
	}
	if h.Created != "" {
		since := h.Created
		if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", h.Created); err == nil {
			since = t.UTC().Format(time.RFC3339)
		}
		details = append(details, "since "+since)
	}
	if h.ID != "" {
		details = append(details, "lock ID "+h.ID)
	}
	if h.Path != "" {
		details = append(details, "path "+h.Path)
	}
	if len(details) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(details, ", "))
	}
	return b.String()
}

var lockField = regexp.MustCompile(`^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*)$`)

// parseLockError recognises OpenTofu's and Terraform's "Error acquiring the state lock"
// and reads the Lock Info block that follows.
func parseLockError(out string) *LockError {
	i := strings.Index(out, "Error acquiring the state lock")
	if i < 0 {
		return nil
	}
	le := &LockError{}
	inInfo := false
	for _, raw := range strings.Split(out[i:], "\n") {
		line := strings.TrimLeft(raw, "│ ")
		if strings.HasPrefix(line, "Error message:") {
			le.Message = strings.TrimSpace(strings.TrimPrefix(line, "Error message:"))
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "Lock Info:") {
			inInfo = true
			continue
		}
		if !inInfo {
			continue
		}
		m := lockField.FindStringSubmatch(line)
		if m == nil {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if le.Holder.ID != "" {
				break
			}
			continue
		}
		v := strings.TrimSpace(m[2])
		switch m[1] {
		case "ID":
			le.Holder.ID = v
		case "Path":
			le.Holder.Path = v
		case "Operation":
			le.Holder.Operation = v
		case "Who":
			le.Holder.Who = v
		case "Version":
			le.Holder.Version = v
		case "Created":
			le.Holder.Created = v
		case "Info":
			le.Holder.Info = v
		}
	}
	return le
}

// UnlockCommand is the command that releases the state lock of the unit in unitDir,
// written so that it works from the folder from (the user's: the CLI passes its working
// folder in, plan.Env.UserDir): `olechka unlock` takes the unit's folder as a path, so a
// unit path relative to the tree root ("dev/eu-central-1/vault") would fail from the
// repository root, where the folder is live/dev/eu-central-1/vault. With from empty or a
// relative unitDir, unitDir is used as it is.
func UnlockCommand(from, unitDir string) string {
	p := unitDir
	if from != "" && filepath.IsAbs(unitDir) {
		if rel, err := filepath.Rel(from, unitDir); err == nil {
			p = rel
		}
	}
	return "olechka unlock " + shellQuote(filepath.ToSlash(p))
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe characters.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@+,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
