package plan_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/terragrunt-olechka/olechka/internal/executor"
	"github.com/terragrunt-olechka/olechka/internal/plan"
	"github.com/terragrunt-olechka/olechka/internal/plan/faketofu"
)

func TestUnlock(t *testing.T) {
	ctx := context.Background()
	root := faketofu.Chain(t)

	t.Run("held, confirmed: released", func(t *testing.T) {
		env, ft := faketofu.Env(t, root)
		ft.Unit("a").LockHeld = true
		var found *executor.LockInfo
		var asked string
		res, err := plan.Unlock(ctx, env, plan.UnlockOptions{Unit: "a",
			Found:   func(h *executor.LockInfo) { found = h },
			Confirm: func(id string) bool { asked = id; return true }})
		if err != nil {
			t.Fatal(err)
		}
		if found == nil || found.Who != "someone@elsewhere" || asked != "fake-lock" || !res.Released || res.ID != "fake-lock" {
			t.Errorf("found %+v, asked %q, result %+v", found, asked, res)
		}
		if ft.Unit("a").LockHeld {
			t.Error("the lock is still held")
		}
		if want := []string{"a prepare", "a init", "a lock-holder", "a force-unlock"}; !slices.Equal(ft.Calls(), want) {
			t.Errorf("calls %v, want %v", ft.Calls(), want)
		}
	})

	t.Run("held, declined: kept", func(t *testing.T) {
		env, ft := faketofu.Env(t, root)
		ft.Unit("a").LockHeld = true
		res, err := plan.Unlock(ctx, env, plan.UnlockOptions{Unit: "a", Confirm: func(string) bool { return false }})
		if err != nil || res.Released || res.ID != "fake-lock" || !ft.Unit("a").LockHeld {
			t.Errorf("result %+v, err %v, held %v", res, err, ft.Unit("a").LockHeld)
		}
	})

	t.Run("free: nothing to do", func(t *testing.T) {
		env, ft := faketofu.Env(t, root)
		res, err := plan.Unlock(ctx, env, plan.UnlockOptions{Unit: "b",
			Found:   func(*executor.LockInfo) { t.Error("Found called for a free state") },
			Confirm: func(string) bool { t.Error("Confirm called for a free state"); return true }})
		if err != nil || res.ID != "" || res.Released || res.Holder != nil {
			t.Errorf("result %+v, err %v", res, err)
		}
		if slices.Contains(ft.Calls(), "b force-unlock") {
			t.Error("force-unlock ran on a free state")
		}
	})

	t.Run("--lock-id: no probe", func(t *testing.T) {
		env, ft := faketofu.Env(t, root)
		ft.Unit("a").LockHeld = true
		res, err := plan.Unlock(ctx, env, plan.UnlockOptions{Unit: "a", LockID: "fake-lock"})
		if err != nil || !res.Released || res.Holder != nil {
			t.Errorf("result %+v, err %v", res, err)
		}
		if slices.Contains(ft.Calls(), "a lock-holder") {
			t.Error("the lock was probed although --lock-id named it")
		}
	})

	t.Run("failures", func(t *testing.T) {
		env, ft := faketofu.Env(t, root)
		ft.Unit("a").LockHeld = true
		ft.Unit("a").FailAt = "init"
		if _, err := plan.Unlock(ctx, env, plan.UnlockOptions{Unit: "a"}); err == nil || !strings.Contains(err.Error(), "a: init") {
			t.Errorf("init failure: %v", err)
		}
		if _, err := plan.Unlock(ctx, env, plan.UnlockOptions{Unit: "nope"}); err == nil || !strings.Contains(err.Error(), "is not a unit") {
			t.Errorf("not a unit: %v", err)
		}
		res, err := plan.Unlock(ctx, env, plan.UnlockOptions{Unit: "b", LockID: "other"})
		if err == nil || res == nil || res.Released {
			t.Errorf("wrong lock id: result %+v, err %v", res, err)
		}
	})
}
