package plan

import (
	"bytes"
	"context"
	"errors"

	"github.com/terragrunt-olechka/olechka/internal/executor"
)

// UnlockOptions say which unit's state lock Unlock releases, and how it is confirmed.
type UnlockOptions struct {
	Unit   string // the unit's path under Env.Root
	LockID string // release this lock; "": ask the backend who holds the lock
	// Found, when set, is told the lock's holder as soon as it is known (not with
	// LockID, nor when the state is not locked).
	Found func(holder *executor.LockInfo)
	// Confirm, when set, is asked before the lock ID is released; false keeps the lock.
	Confirm func(id string) bool
}

// UnlockResult is what Unlock found and did.
type UnlockResult struct {
	Holder   *executor.LockInfo // who held the lock (nil with LockID, or when it was free)
	ID       string             // the lock released, or declined; "" when it was free
	Released bool
	// ToolLog is the tool's output when one of its commands (init, the lock probe,
	// force-unlock) failed; "" otherwise.
	ToolLog string
}

// lockWorkdir is a working directory that can ask who holds the state lock and release
// it: the real executor's.
type lockWorkdir interface {
	LockHolder(ctx context.Context) (*executor.LockInfo, error)
	ForceUnlock(ctx context.Context, id string) error
}

// Unlock releases a unit's state lock (olechka unlock): it evaluates the unit, prepares
// its working directory for state operations, finds the lock's holder (unless
// o.LockID names it), asks o.Confirm, and force-unlocks. A free state is no error:
// the result has no ID.
func Unlock(ctx context.Context, env *Env, o UnlockOptions) (*UnlockResult, error) {
	u, err := EvalOutside(ctx, env, o.Unit)
	if err != nil {
		return nil, err
	}
	var log bytes.Buffer
	wd, err := env.Exec.PrepareForState(ctx, u, &log)
	if err != nil {
		return nil, err
	}
	w, ok := wd.(lockWorkdir)
	if !ok {
		return nil, errors.New(env.Exec.Name() + " cannot release state locks here")
	}
	res := &UnlockResult{ID: o.LockID}
	failed := func(err error) (*UnlockResult, error) {
		res.ToolLog = log.String()
		return res, err
	}
	if err := wd.Init(ctx); err != nil {
		return failed(err)
	}
	if res.ID == "" {
		if res.Holder, err = w.LockHolder(ctx); err != nil {
			return failed(err)
		}
		if res.Holder == nil {
			return res, nil
		}
		if o.Found != nil {
			o.Found(res.Holder)
		}
		res.ID = res.Holder.ID
		if res.ID == "" {
			return res, errors.New("the lock holder did not report a lock ID; pass --lock-id")
		}
	}
	if o.Confirm != nil && !o.Confirm(res.ID) {
		return res, nil
	}
	if err := w.ForceUnlock(ctx, res.ID); err != nil {
		return failed(err)
	}
	res.Released = true
	return res, nil
}
