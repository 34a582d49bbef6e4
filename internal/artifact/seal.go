package artifact

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// A binary plan holds the unit's variables and prior state in clear (secrets included),
// so it is never stored readable: the plan stage seals it for the apply side with age
// (filippo.io/age, X25519) and removes the clear file. The public key (recipient) is all
// the plan side has; the private key (identity) is held only by the apply environment.
const (
	// SealedPlanFile is the binary plan encrypted to the apply side's age recipient.
	SealedPlanFile = PlanFile + ".age"
	// EnvPlanRecipient names the age recipient(s) binary plans are sealed to
	// ("age1...", comma-separated for several).
	EnvPlanRecipient = "OLECHKA_PLAN_RECIPIENT"
	// EnvPlanIdentity holds the age identity ("AGE-SECRET-KEY-1...") that opens them;
	// only the apply environment has it.
	EnvPlanIdentity = "OLECHKA_PLAN_IDENTITY"
)

// SealPlan encrypts dir's binary plan to the recipients (age1..., comma-separated) into
// SealedPlanFile and removes the clear one.
func SealPlan(dir, recipients string) error {
	var rs []age.Recipient
	for _, s := range strings.Split(recipients, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return fmt.Errorf("%s: %w", EnvPlanRecipient, err)
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return fmt.Errorf("%s names no age recipient", EnvPlanRecipient)
	}
	clear := filepath.Join(dir, PlanFile)
	in, err := os.ReadFile(clear)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		return err
	}
	if _, err := w.Write(in); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := WriteFile(filepath.Join(dir, SealedPlanFile), buf.Bytes()); err != nil {
		return err
	}
	return os.Remove(clear)
}

// DiscardPlanOnError removes dir's clear binary plan when *err is set (deferred by the
// plan step). OpenTofu writes the plan file even when planning fails (an errored plan,
// which cannot be applied), and a failure skips the sealing, so the file would stay in
// the artifact with variables and state in clear (issue 14).
func DiscardPlanOnError(dir string, err *error) {
	if *err == nil {
		return
	}
	if rerr := os.Remove(filepath.Join(dir, PlanFile)); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		*err = errors.Join(*err, rerr)
	}
}

// OpenPlan returns the path of a binary plan OpenTofu can apply: the plan folder's clear
// one when it was not sealed, else SealedPlanFile decrypted with identity into workDir
// (the unit's working area, never the plan folder).
func OpenPlan(dir, workDir, identity string) (string, error) {
	sealed := filepath.Join(dir, SealedPlanFile)
	if _, err := os.Stat(sealed); errors.Is(err, fs.ErrNotExist) {
		return filepath.Join(dir, PlanFile), nil
	}
	if strings.TrimSpace(identity) == "" {
		return "", fmt.Errorf("the binary plan is sealed (%s) and %s is not set: only the apply environment can open it", SealedPlanFile, EnvPlanIdentity)
	}
	ids, err := age.ParseIdentities(strings.NewReader(identity))
	if err != nil {
		return "", fmt.Errorf("%s: %w", EnvPlanIdentity, err)
	}
	f, err := os.Open(sealed)
	if err != nil {
		return "", err
	}
	defer f.Close()
	r, err := age.Decrypt(f, ids...)
	if err != nil {
		return "", fmt.Errorf("opening %s: %w", sealed, err)
	}
	out := filepath.Join(workDir, "olechka-"+PlanFile)
	o, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(o, r); err != nil {
		o.Close()
		return "", fmt.Errorf("opening %s: %w", sealed, err)
	}
	return out, o.Close()
}

// NewPlanKey returns a new age key pair: the identity (secret) and its recipient.
func NewPlanKey() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	return id.String(), id.Recipient().String(), nil
}
