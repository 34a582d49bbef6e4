package e2e

import (
	"os"
	"testing"
)

// cwdOf is the folder the test runs olechka from (the CLI passes its working folder to
// the executor for the commands it suggests, executor.UnlockCommand).
func cwdOf(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
