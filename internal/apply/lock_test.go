package apply

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terragrunt-olechka/olechka/internal/artifact"
	"github.com/terragrunt-olechka/olechka/internal/plan"
)

// snapshot returns every file under dir with its content and modification time.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = st.ModTime().String() + "\x00" + string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func planFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := artifact.WriteRun(dir, &artifact.Run{Root: "live", Units: []string{"dev/vpc"}}); err != nil {
		t.Fatal(err)
	}
	ud, err := artifact.NewUnitDir(dir, "dev/vpc")
	if err != nil {
		t.Fatal(err)
	}
	if err := artifact.WriteMetadata(ud, &artifact.Metadata{Unit: "dev/vpc", Action: artifact.ActionPlan, Status: artifact.StatusPlanned}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestSecondApplyRefusedAndWritesNothing replays two `olechka apply` on one plans
// folder: the second must stop at once, say why, and leave every file as it was (it
// used to overwrite apply.json with "refused" for a plan the first one applied).
func TestSecondApplyRefusedAndWritesNothing(t *testing.T) {
	dir := planFolder(t)
	first, err := LockPlans(dir)
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	start := time.Now()
	_, err = Run(context.Background(), &plan.Env{}, Options{Plans: dir})
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("second apply: err = %v, want a BusyError", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("second apply took %s: it must not wait", d)
	}
	for _, want := range []string{"another olechka apply", "pid ", dir, "nothing was written"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if after := snapshot(t, dir); len(after) != len(before) {
		t.Errorf("the second apply wrote files: %d before, %d after", len(before), len(after))
	} else {
		for p, v := range before {
			if after[p] != v {
				t.Errorf("the second apply changed %s", p)
			}
		}
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := LockPlans(dir)
	if err != nil {
		t.Fatalf("after the first apply ended, the lock is still held: %v", err)
	}
	_ = again.Release()
}

// TestPlansLockFreedWhenHolderIsKilled: a runner killed with SIGKILL mid apply
// leaves no lock behind (the kernel drops it with the process).
func TestPlansLockFreedWhenHolderIsKilled(t *testing.T) {
	if dir := os.Getenv("OLECHKA_TEST_HOLD_PLANS_LOCK"); dir != "" {
		if _, err := LockPlans(dir); err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	dir := planFolder(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPlansLockFreedWhenHolderIsKilled$")
	cmd.Env = append(os.Environ(), "OLECHKA_TEST_HOLD_PLANS_LOCK="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper did not take the lock: %q", line)
	}
	if _, err := LockPlans(dir); err == nil {
		t.Error("the lock was taken while another process holds it")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	l, err := LockPlans(dir)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	_ = l.Release()
}
