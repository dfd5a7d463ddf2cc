package main

// Tests of what evolve does when its output cannot be written.

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// failingWriter fails every write, as /dev/full does.
type failingWriter struct{ writes int }

func (w *failingWriter) Write([]byte) (int, error) {
	w.writes++
	return 0, syscall.ENOSPC
}

// callWith runs cmd in-process with args, writing to stdout and stderr,
// and returns its exit status.
func callWith(t *testing.T, cmd commandFunc, stdout, stderr io.Writer, args ...string) int {
	t.Helper()
	return cmd(t.Context(), args, stdout, stderr)
}

// TestRunOutputFailureKeepsRun checks that a run whose progress on stderr
// cannot be written goes on to its end, writing the same run directory
// as a run whose stderr works, and that a summary that cannot be printed
// on stdout neither fails the run nor loses any of its files.
func TestRunOutputFailureKeepsRun(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	args := []string{"--task", "xor", "--seed", "2", "--generations", "12", "--population", "20", "--stop-on-solve=false"}
	ref := filepath.Join(base, "ref")
	mustCall(t, runCmd, append(args, "--out", ref)...)

	dir := filepath.Join(base, "no-stderr")
	var stdout bytes.Buffer
	stderr := &failingWriter{}
	if code := callWith(t, runCmd, &stdout, stderr, append(args, "--out", dir)...); code != exitOK {
		t.Fatalf("run with a failing stderr: exit status %d; want 0", code)
	}
	if stderr.writes != 1 {
		t.Errorf("progress tried %d writes to a failing stderr; want 1, then none", stderr.writes)
	}
	if !strings.Contains(stdout.String(), "run directory: "+dir) {
		t.Errorf("stdout %q lacks the run directory", stdout.String())
	}
	sameRun(t, ref, dir)

	dir = filepath.Join(base, "no-stdout")
	var errOut bytes.Buffer
	if code := callWith(t, runCmd, &failingWriter{}, &errOut, append(args, "--out", dir)...); code != exitOK {
		t.Fatalf("run with a failing stdout: exit status %d; want 0 (the run is complete); stderr:\n%s", code, errOut.String())
	}
	want := "evolve run: warning: cannot print the summary: " + syscall.ENOSPC.Error() + "; the run is complete, and " + filepath.Join(dir, summaryFile) + " holds it\n"
	if !strings.HasSuffix(errOut.String(), want) {
		t.Errorf("stderr ends %q; want %q", errOut.String()[max(0, errOut.Len()-200):], want)
	}
	sameRun(t, ref, dir)
}

// TestTrialsBadConfig checks that trials refuses, with status 2 and run's
// message, a configuration that run refuses: one that population.New
// rejects, from a flag or a config file.
func TestTrialsBadConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, args := range [][]string{
		{"--task", "xor", "--strategy", "backprop"},
		{"--task", "xor", "--config", file("sync.toml", "synchronous = true\nfeed_forward = false\n")},
		{"--task", "xor", "--config", file("learn.toml", "[training]\nlearning = 'lamarckian'\n")},
	} {
		code, _, runErr := call(t, runCmd, append(args, "--out", filepath.Join(dir, "never"))...)
		if code != exitUsage {
			t.Fatalf("run %q: exit status %d, want %d: %s", args, code, exitUsage, runErr)
		}
		code, stdout, stderr := call(t, trialsCmd, append(args, "--runs", "2")...)
		want := strings.Replace(runErr, "evolve run:", "evolve trials:", 1)
		if code != exitUsage || stderr != want || stdout != "" {
			t.Errorf("trials %q: exit status %d, stdout %q, stderr %q; want %d and %q", args, code, stdout, stderr, exitUsage, want)
		}
	}
}

// TestTrialsOutputFailure checks that trials, which keep nothing on disk,
// fail with status 1 and say why when their summary cannot be written, in
// every format.
func TestTrialsOutputFailure(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "csv", "json"} {
		var stderr bytes.Buffer
		code := callWith(t, trialsCmd, &failingWriter{}, &stderr, "--task", "xor", "--runs", "3", "--population", "20", "--generations", "3", "--format", format)
		want := "evolve trials: " + syscall.ENOSPC.Error() + "\n"
		if code != exitFailure || stderr.String() != want {
			t.Errorf("trials --format %s to a failing stdout: exit status %d, stderr %q; want %d and %q", format, code, stderr.String(), exitFailure, want)
		}
	}
}
