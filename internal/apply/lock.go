package apply

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// PlansLockFile is the file in a plan folder that `olechka apply` holds an exclusive
// lock on for its whole run. The kernel releases the lock when the process ends, so a
// killed apply never leaves the folder locked; the file itself stays (removing it
// would let a third run lock a new file while the second still holds the old one).
const PlansLockFile = ".apply.lock"

// PlansLock is one apply run's hold on a plan folder.
type PlansLock struct {
	f *os.File
}

// BusyError says another apply is running on the same plan folder.
type BusyError struct {
	Dir    string
	Holder string // what the holder wrote into the lock file: pid, host, start time
}

func (e *BusyError) Error() string {
	who := "another olechka apply"
	if e.Holder != "" {
		who += " (" + e.Holder + ")"
	}
	return fmt.Sprintf("%s is applying the plans in %s: not starting a second apply on the same plans (nothing was written). Wait for it to finish, then run this apply again: it skips what the first one applied.", who, e.Dir)
}

// LockPlans takes the plan folder's apply lock without waiting. When another process
// holds it, it returns a *BusyError and has written nothing. A folder that does not
// exist needs no lock (nil, nil): reading its plans reports it.
func LockPlans(dir string) (*PlansLock, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, nil
	}
	path := filepath.Join(dir, PlansLockFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	}
	if err != nil {
		return nil, fmt.Errorf("locking the plans folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := io.ReadAll(io.LimitReader(f, 512))
			return nil, &BusyError{Dir: dir, Holder: strings.TrimSpace(string(b))}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	host, _ := os.Hostname()
	holder := fmt.Sprintf("pid %d on %s, started %s", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	// Who holds the lock, for the message a second apply prints; the lock works without it.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(holder+"\n"), 0)
	}
	return &PlansLock{f: f}, nil
}

// Release lets the next apply run on the folder.
func (l *PlansLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return errors.Join(err, l.f.Close())
}
