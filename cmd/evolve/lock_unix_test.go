//go:build unix

package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResumeLocked checks that resume refuses a run directory another
// process is writing (here: a lock held by the test), changing nothing,
// and goes ahead once the lock is released.
func TestResumeLocked(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	mustCall(t, runCmd, append([]string{"--out", dir, "--generations", "4"}, runArgs...)...)
	release, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	code, _, stderr := call(t, resumeCmd, dir, "--generations", "8", "--quiet")
	if code != exitUsage || !strings.Contains(stderr, dir+" is in use by another evolve run or resume") {
		t.Errorf("resume of a locked directory: exit status %d, stderr %q; want 2 and that it is in use", code, stderr)
	}
	if after := snapshot(t, dir); !maps.Equal(after, before) {
		t.Error("resume of a locked directory changed it")
	}
	release()
	mustCall(t, resumeCmd, dir, "--generations", "8", "--quiet")
	if _, err := lockDir(dir); err != nil {
		t.Errorf("after resume ended, the directory is still locked: %v", err)
	}
}

// TestRunLocked checks that run refuses an --out directory another process
// has locked (here: the test, as a resume of a directory without a run
// does while it looks) without leaving the stats.jsonl it created, which
// would make the directory count as a run from then on.
func TestRunLocked(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	release, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--out", dir, "--generations", "2"}, runArgs...)
	code, _, stderr := call(t, runCmd, args...)
	if code != exitUsage || !strings.Contains(stderr, dir+": is in use by another evolve run or resume") {
		t.Errorf("run into a locked directory: exit status %d, stderr %q; want 2 and that it is in use", code, stderr)
	}
	if holdsRun(dir) {
		t.Error("run refused for a locked directory left files that mark it as holding a run")
	}
	release()
	mustCall(t, runCmd, args...)
}
